import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { startEchoUpstream, type EchoUpstream } from '../helpers/echo-upstream.ts';

/**
 * What a new user gets: the package as `npm pack` makes it (prepack builds dist/ with tsc),
 * installed into an empty project, and the README's commands run from there. The build
 * happens in a staging copy, so the repository gains no dist/ (which bin/enumguard.js would
 * then prefer to the sources).
 */
const ROOT = join(import.meta.dirname, '../..');
const run = promisify(execFile);
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  files: string[];
};

/** The environment without the npm_* variables of the `npm test` running this file. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.toLowerCase().startsWith('npm_')) env[k] = v;
  return { ...env, CI: 'true', NO_COLOR: '1' };
}

async function sh(cwd: string, file: string, args: string[]) {
  try {
    return await run(file, args, { cwd, env: cleanEnv(), maxBuffer: 16 * 2 ** 20 });
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    throw new Error(
      `${file} ${args.join(' ')} failed in ${cwd}:\n${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`,
      { cause: err },
    );
  }
}

describe('the packed package installed into an empty project', () => {
  const work = mkdtempSync(join(tmpdir(), 'enumguard-install-'));
  const project = join(work, 'project');
  const bin = (): string => join(project, 'node_modules', '.bin', 'enumguard');
  after(() => rmSync(work, { recursive: true, force: true }));

  before(
    async () => {
      const stage = join(work, 'stage');
      mkdirSync(stage);
      for (const entry of [
        ...manifest.files.filter((f) => !f.startsWith('!')),
        'package.json',
        'tsconfig.json',
        'tsconfig.build.json',
      ]) {
        if (existsSync(join(ROOT, entry))) cpSync(join(ROOT, entry), join(stage, entry), { recursive: true });
      }
      symlinkSync(join(ROOT, 'node_modules'), join(stage, 'node_modules'), 'dir');
      await sh(stage, 'npm', ['pack', '--pack-destination', work]);
      const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
      assert.ok(tarball, `npm pack left no tarball in ${work}`);
      mkdirSync(project);
      writeFileSync(
        join(project, 'package.json'),
        JSON.stringify({ name: 'new-user', private: true, type: 'module' }),
      );
      // Offline first: the cache that `npm ci` filled holds every dependency.
      await sh(project, 'npm', [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        join(work, tarball),
      ]);
    },
    { timeout: 240_000 },
  );

  it('ships LICENSE, the policies, baselines and scenarios, and no test files', () => {
    const installed = join(project, 'node_modules', 'enumguard');
    for (const file of [
      'LICENSE',
      'policies/enumguard-default.yaml',
      'baselines/none.yaml',
      'scenarios/sybil-swarm.yaml',
      'dist/cli/main.js',
    ]) {
      assert.ok(existsSync(join(installed, file)), file);
    }
    assert.match(
      readFileSync(join(installed, 'LICENSE'), 'utf8'),
      /Apache License\s+Version 2\.0, January 2004/,
    );
    assert.equal(existsSync(join(installed, 'src', 'cli', 'check.test.ts')), false);
  });

  it('does not install the optional peer ioredis', () => {
    assert.equal(existsSync(join(project, 'node_modules', 'ioredis')), false);
  });

  it('prints its version with npx enumguard --version', async () => {
    const { stdout } = await sh(project, 'npx', ['enumguard', '--version']);
    assert.equal(stdout.trim(), manifest.version);
  });

  it('checks the shipped default policy, hashes a key, and checks the starter policy init writes', async () => {
    const shipped = await sh(project, bin(), ['check', 'policies/enumguard-default.yaml']);
    assert.match(shipped.stdout, /^enumguard-default\.yaml: OK \(\d+ routes, \d+ limits\)\n$/);
    assert.match(
      shipped.stderr,
      /policies\/enumguard-default\.yaml: not in this folder; using the one enumguard ships: .*node_modules/,
    );
    assert.equal(
      (await sh(project, bin(), ['hash-key', 'demo-key-alice'])).stdout,
      'f80024220afd493b4d9592af870de7afe98061992d28fdb75480c9b717783fa2\n',
    );
    await sh(project, bin(), ['init']);
    assert.equal(
      (await sh(project, bin(), ['check', 'policy.yaml'])).stdout,
      'policy.yaml: OK (2 routes, 2 limits)\n',
    );
  });

  it(
    'simulates a shipped scenario with the shipped policy beside the baselines',
    { timeout: 120_000 },
    async () => {
      const { stdout } = await sh(project, bin(), [
        'simulate',
        '--scenario',
        'scenarios/sybil-swarm.yaml',
        '--policy',
        'policies/enumguard-default.yaml',
        '--compare',
        'baselines',
        '--duration',
        '10m',
        '--quiet',
      ]);
      assert.match(
        stdout,
        /^\| metric \| enumguard-default \| incremental-cd \| none \| per-ip \| signal-cdsi \|$/m,
      );
    },
  );

  describe('enumguard gateway', () => {
    let upstream: EchoUpstream;
    let gateway: ChildProcess | undefined;
    const output: string[] = [];
    after(async () => {
      if (gateway && gateway.exitCode === null && gateway.signalCode === null) {
        const exited = new Promise((resolve) => gateway?.once('exit', resolve));
        gateway.kill('SIGTERM');
        await exited;
      }
      await upstream?.close();
    });

    it(
      'listens, forwards to the upstream and answers its own refusals as problem+json',
      { timeout: 60_000 },
      async () => {
        upstream = await startEchoUpstream();
        const child = spawn(
          process.execPath,
          [
            bin(),
            'gateway',
            '--config',
            'policies/enumguard-default.yaml',
            '--upstream',
            upstream.url,
            '--port',
            '0',
          ],
          { cwd: project, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
        );
        gateway = child;
        child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
        const base = await new Promise<string>((resolve, reject) => {
          child.once('exit', (code, signal) =>
            reject(new Error(`the gateway exited (${code ?? signal}):\n${output.join('')}`)),
          );
          createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
            output.push(`${line}\n`);
            const entry = JSON.parse(line) as { msg?: string; listen?: string };
            if (entry.msg === 'gateway listening' && entry.listen) resolve(entry.listen);
          });
        });
        const through = await fetch(`${base}/anything`);
        assert.equal(through.status, 200);
        assert.equal(through.headers.get('x-upstream'), 'echo');
        // enumguard-default caps a discover batch at 5,000 numbers: the gateway answers, not the upstream.
        const numbers = Array.from({ length: 5001 }, (_, i) => `+1415555${String(i).padStart(4, '0')}`);
        const refused = await fetch(`${base}/v1/contacts/discover`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ numbers }),
        });
        assert.equal(refused.status, 413);
        assert.equal(refused.headers.get('content-type'), 'application/problem+json');
        assert.equal(refused.headers.get('x-enumguard-problem'), 'batch-too-large');
        assert.equal(((await refused.json()) as { code: string }).code, 'batch-too-large');
      },
    );
  });
});
