import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startEchoUpstream, type EchoUpstream } from '../helpers/echo-upstream.ts';
import { redisStandalone, useRedis } from '../helpers/redis-harness.ts';
import { withDeadline } from '../helpers/wait-for.ts';

/**
 * Issue 5, deliverable 4: three gateway PROCESSES sharing one Redis enforce one global limit.
 *
 * 1,500 requests, 48 in flight, spread round-robin over the three, against a global limit of
 * 300 per minute with a burst of 300. What is allowed must be:
 * - at least 300: the instances drew on one budget and it was all spent (not a third each);
 * - at most 300 + the refill during the run: GCRA gives back rate × elapsed (5 per second
 *   here) while the run lasts, so the documented tolerance is ceil(5 × elapsed seconds) + 1
 *   (the +1: a request admitted exactly at a refill boundary). Not 3 × 300, which is what
 *   three instances with their own memory stores would allow.
 *
 * The route is `storeUnavailable: deny`, so a store that fails shows as 503s (asserted to be
 * none) instead of adding local-share allowances that would blur the count. Its timeout is the
 * longest a policy may set (10 s): a Redis slowed by a loaded machine is slow, not failed.
 * The tolerance grows with the measured run time, so a slow run widens it, never breaks it.
 */
const ROOT = join(import.meta.dirname, '../..');
const RATE_PER_S = 300 / 60;
const TOTAL = 1500;
const IN_FLIGHT = 48;

const policy = (redisUrl: string, prefix: string): string => `version: 1
server:
  store:
    redis: ${redisUrl}
    prefix: ${prefix}
    timeout: 10s
    instances: 3
routes:
  - id: lookup
    match: { path: /lookup }
    auth: none
    storeUnavailable: deny
    limits:
      - { key: global, rate: 300/1m, burst: 300 }
`;

interface Instance {
  readonly child: ChildProcess;
  readonly base: string;
  readonly output: string[];
}

/** Starts `enumguard gateway` and resolves once it listens and has reached Redis (from its JSON log). */
function startInstance(config: string, upstream: string): Promise<Instance> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'gateway',
      '--config',
      config,
      '--port',
      '0',
      '--upstream',
      upstream,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  return new Promise((resolve, reject) => {
    let base: string | undefined;
    let connected = false;
    // A safety net only: three processes compiling TypeScript on a loaded machine take a while.
    const timer = setTimeout(() => fail('did not listen and connect to Redis within 120 s'), 120_000);
    function fail(why: string): void {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`gateway process ${why}:\n${output.join('').slice(-2000)}`));
    }
    let ready = false;
    child.once('exit', (code, signal) => {
      if (!ready) fail(`exited (${code ?? signal})`);
    });
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      output.push(`${line}\n`);
      let entry: { msg?: string; listen?: string };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        return;
      }
      if (entry.msg === 'gateway listening') base = entry.listen;
      if (entry.msg === 'redis connected') connected = true;
      if (base !== undefined && connected && !ready) {
        clearTimeout(timer);
        ready = true;
        resolve({ child, base, output });
      }
    });
  });
}

async function stopInstance({ child }: Instance): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  // Wait for the drain to end, however busy the machine; only a gateway that never exits is
  // killed, and the deadline's error says so.
  try {
    await withDeadline('the gateway to exit after SIGTERM', exited);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
}

describe('three gateway processes on one Redis', () => {
  const redis = useRedis(() => redisStandalone());
  let upstream: EchoUpstream | undefined;
  const instances: Instance[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'enumguard-multi-'));

  before(async () => {
    upstream = await startEchoUpstream();
  });
  after(async () => {
    await Promise.all(instances.map(stopInstance));
    await upstream?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('allow one global budget between them: at least the limit, at most the limit plus the refill during the run', async (t) => {
    if (redis.skipped(t)) return;
    const config = join(dir, 'policy.yaml');
    // A prefix of its own: the Redis may be a developer's on 6379.
    writeFileSync(config, policy(redis.get().url, `multi${randomUUID().slice(0, 8)}`));
    instances.push(...(await Promise.all([0, 1, 2].map(() => startInstance(config, upstream?.url ?? '')))));

    const statuses = new Map<number, number>();
    const perInstance = [0, 0, 0];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < TOTAL) {
          const i = next++ % 3;
          const res = await fetch(`${instances[i]?.base}/lookup`);
          await res.arrayBuffer();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status === 200) perInstance[i] = (perInstance[i] ?? 0) + 1;
        }
      }),
    );
    const elapsedS = (performance.now() - started) / 1000;
    const allowed = statuses.get(200) ?? 0;
    const tolerance = Math.ceil(RATE_PER_S * elapsedS) + 1;
    t.diagnostic(
      `${TOTAL} requests in ${elapsedS.toFixed(2)} s: ${allowed} allowed (${perInstance.join(' + ')}), ` +
        `${statuses.get(429) ?? 0} refused; bound 300..${300 + tolerance}`,
    );
    assert.deepEqual([...statuses.keys()].sort(), [200, 429], `statuses: ${JSON.stringify([...statuses])}`);
    assert.ok(allowed >= 300, `only ${allowed} allowed: the instances did not share one budget`);
    assert.ok(allowed <= 300 + tolerance, `${allowed} allowed, more than 300 + ${tolerance}`);
    for (const n of perInstance) assert.ok(n > 0, 'every instance allowed some');
  });
});
