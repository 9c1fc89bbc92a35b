import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * The runnable middleware examples in examples/, started as a reader would start them (tsx,
 * from the repository root) on a free port. They import `enumguard/...` by name: the package
 * exports point to dist/, which a checkout has not built, so tsconfig.json maps each name
 * to its source; tsx and tsc both honour that mapping.
 */
const ROOT = join(import.meta.dirname, '../..');
const KEY = 'demo-key-alice'; // examples/policy.yaml stores its sha256

interface Started {
  readonly child: ChildProcess;
  readonly base: string;
}

function start(example: string): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', join('examples', example)], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code, signal) =>
      reject(new Error(`${example} exited (${code ?? signal}) before listening:\n${output.join('')}`)),
    );
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      output.push(`${line}\n`);
      const m = /^listening on (http:\/\/\S+?)\/?$/.exec(line);
      if (m?.[1]) resolve({ child, base: m[1] });
    });
  });
}

async function stop({ child }: Started): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

const discover = (base: string, body: string, key?: string) =>
  fetch(`${base}/v1/contacts/discover`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}) },
    body,
  });

describe('examples/', () => {
  const running: Started[] = [];
  after(async () => {
    await Promise.all(running.map(stop));
  });

  for (const example of ['node.ts', 'express.ts', 'fastify.ts', 'hono.ts']) {
    it(
      `${example} runs as written: a lookup with a key is answered, one without is refused`,
      { timeout: 60_000 },
      async () => {
        const started = await start(example);
        running.push(started);
        const allowed = await discover(started.base, JSON.stringify({ numbers: ['+14155550100'] }), KEY);
        assert.equal(allowed.status, 200);
        assert.deepEqual(await allowed.json(), { contacts: [], asked: 1 });
        const refused = await discover(started.base, JSON.stringify({ numbers: ['+14155550100'] }));
        assert.equal(refused.status, 401);
        assert.equal(refused.headers.get('content-type'), 'application/problem+json');
        assert.equal(refused.headers.get('x-enumguard-problem'), 'unauthenticated');
        await refused.arrayBuffer();
        if (example === 'express.ts') {
          // express.json() runs before enumguard; bodyParserErrors() keeps its refusal problem+json.
          const malformed = await discover(started.base, '{"numbers": [', KEY);
          assert.equal(malformed.status, 400);
          assert.equal(malformed.headers.get('content-type'), 'application/problem+json');
          assert.equal(((await malformed.json()) as { code: string }).code, 'bad-request');
        }
        await stop(started);
      },
    );
  }

  it('maps every name the package exports to its source in tsconfig.json, so examples run unbuilt', () => {
    const { exports } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      exports: Record<string, string | { default: string }>;
    };
    const tsconfig = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')) as {
      compilerOptions: { paths: Record<string, string[]> };
    };
    const expected: Record<string, string[]> = {};
    for (const [subpath, target] of Object.entries(exports)) {
      if (typeof target === 'string') continue; // ./package.json
      const name = subpath === '.' ? 'enumguard' : `enumguard/${subpath.slice(2)}`;
      const source = target.default.replace(/^\.\/dist\//, './src/').replace(/\.js$/, '.ts');
      assert.ok(existsSync(join(ROOT, source)), `${name}: ${source} does not exist`);
      expected[name] = [source];
    }
    assert.deepEqual(tsconfig.compilerOptions.paths, expected);
  });
});
