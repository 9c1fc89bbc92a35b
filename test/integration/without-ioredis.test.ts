import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * ioredis is an optional peer dependency (issue 11, item 4): the root entry, `check` and a
 * gateway on the memory store must work without it, and a policy naming a Redis must say how
 * to install it. Each case runs a child process whose module resolution fails for "ioredis"
 * as a missing package does (test/helpers/without-ioredis.mjs), so an eager import of it
 * anywhere on these paths fails the case.
 */
const ROOT = new URL('../..', import.meta.url).pathname;
const NODE_ARGS = ['--import', 'tsx', '--import', './test/helpers/without-ioredis.mjs'];
const CLI = 'src/cli/main.ts';
// Generous, for a loaded machine: only a hung child ever reaches it.
const GUARD = { timeout: 120_000 };

function policyFile(store: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'enumguard-no-ioredis-')), 'policy.yaml');
  writeFileSync(
    path,
    `version: 1
upstream: http://127.0.0.1:9
${store}routes:
  - id: lookup
    match: { path: /v1/lookup }
    auth: none
    limits:
      - { key: ip, rate: 10/1m }
`,
  );
  return path;
}

function start(args: readonly string[]): ChildProcess & { output(): { stdout: string; stderr: string } } {
  const child = spawn(process.execPath, [...NODE_ARGS, ...args], { cwd: ROOT, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return Object.assign(child, { output: () => ({ stdout, stderr }) });
}

async function run(
  args: readonly string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = start(args);
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, ...child.output() };
}

// Four child processes, independent of each other: run together.
describe('without ioredis installed', { concurrency: true }, () => {
  it('the root entry and the gateway’s modules load', GUARD, async () => {
    const script =
      "await import('./src/index.ts'); await import('./src/cli/gateway.ts'); " +
      "await import('./src/cli/check.ts'); await import('./src/testing/index.ts'); console.log('loaded');";
    const { code, stdout, stderr } = await run(['--input-type=module', '-e', script]);
    assert.equal(code, 0, stderr);
    assert.equal(stdout.trim(), 'loaded');
  });

  it('check validates a policy that names a Redis', GUARD, async () => {
    const { code, stderr } = await run([
      CLI,
      'check',
      policyFile('server:\n  store: { redis: "redis://127.0.0.1:6379" }\n'),
    ]);
    assert.equal(code, 0, stderr);
  });

  it('the gateway starts on the memory store and stops on SIGTERM', GUARD, async () => {
    const child = start([CLI, 'gateway', '--config', policyFile(''), '--port', '0']);
    const closed = once(child, 'close');
    // Wait for the startup line, not for time.
    await new Promise<void>((resolve, reject) => {
      const look = (): void => {
        if (child.output().stdout.includes('"msg":"gateway listening"')) resolve();
      };
      child.stdout?.on('data', look);
      child.once('close', () =>
        reject(new Error(`the gateway exited before listening: ${child.output().stderr}`)),
      );
      look();
    });
    assert.match(child.output().stdout, /"store":\{"kind":"memory"/);
    child.kill('SIGTERM');
    const [code] = (await closed) as [number | null];
    assert.equal(code, 0, child.output().stderr);
  });

  it(
    'a gateway whose policy names a Redis fails at start, saying how to install ioredis',
    GUARD,
    async () => {
      const { code, stderr } = await run([
        CLI,
        'gateway',
        '--config',
        policyFile('server:\n  store: { redis: "redis://127.0.0.1:6379" }\n'),
        '--port',
        '0',
      ]);
      assert.equal(code, 1);
      assert.equal(
        stderr.trim(),
        'enumguard: server.store.redis needs the optional peer dependency ioredis: npm install ioredis',
      );
    },
  );
});
