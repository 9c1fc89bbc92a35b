import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startGateway, type RunningGateway } from '../../src/cli/start-gateway.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { startEchoUpstream, type EchoUpstream } from '../helpers/echo-upstream.ts';
import { redisRestartable, useRedis } from '../helpers/redis-harness.ts';

/**
 * Issue 5, deliverable 5: Redis is killed (SIGKILL) under a steady stream of requests and
 * restarted on the same port. The gateway (in process, on the policy's `server.store.redis`)
 * must answer every request within a bound, honour each route's storeUnavailable mode, not
 * crash, and enforce globally again once Redis is back.
 *
 * Global versus local is told apart by a limit whose local share differs from it:
 * `instances: 3` and 9 per hour per caller; Redis allows a fresh caller 9, the local fallback
 * ceil(9 / 3) = 3.
 *
 * The latency bound here (p99 < 100 ms, through HTTP on a shared test machine) is generous on
 * purpose; the figure the issue asks for (p99 ≤ 5 ms while Redis is down) is the bench's.
 */
const policy = (redisUrl: string, upstream: string, prefix: string): string => `version: 1
upstream: ${upstream}
server:
  store:
    redis: ${redisUrl}
    prefix: ${prefix}
    timeout: 50ms
    instances: 3
routes:
  - id: local
    match: { path: /local }
    auth: none
    storeUnavailable: local
    limits:
      - { key: global, rate: 100000/1m }
  - id: deny
    match: { path: /deny }
    auth: none
    storeUnavailable: deny
    limits:
      - { key: global, rate: 100000/1m }
  - id: per-user
    match: { path: /per-user }
    auth: none
    limits:
      - { key: { header: x-user }, rate: 9/1h, burst: 9 }
`;

interface Sample {
  readonly path: string;
  readonly status: number;
  readonly ms: number;
  readonly startedAt: number;
}

describe('gateway on Redis: kill and restart under load', () => {
  const redis = useRedis(redisRestartable);
  let upstream: EchoUpstream | undefined;
  let running: RunningGateway | undefined;
  let inspect: Redis | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'enumguard-fault-'));
  const prefix = `fault${randomUUID().slice(0, 8)}`;
  const captured = captureLogger('info');

  before(async () => {
    upstream = await startEchoUpstream();
  });
  after(async () => {
    await running?.stop(100);
    await upstream?.close();
    inspect?.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers through the outage by each route mode, within bounds, and is global again after recovery', async (t) => {
    if (redis.skipped(t)) return;
    const server = redis.get();
    const path = join(dir, 'policy.yaml');
    writeFileSync(path, policy(server.url, upstream?.url ?? '', prefix));
    running = await startGateway({
      policyPath: path,
      port: 0,
      host: '127.0.0.1',
      logger: captured.logger,
      watch: false,
    });
    const gw = running;
    const base = `http://127.0.0.1:${gw.address.port}`;

    const send = async (route: string, headers: Record<string, string> = {}): Promise<Sample> => {
      const startedAt = performance.now();
      const res = await fetch(base + route, { headers });
      await res.arrayBuffer();
      return { path: route, status: res.status, ms: performance.now() - startedAt, startedAt };
    };
    /** `workers` loops alternating /local and /deny for `ms`. */
    const steady = async (ms: number, workers = 4): Promise<Sample[]> => {
      const samples: Sample[] = [];
      const until = performance.now() + ms;
      await Promise.all(
        Array.from({ length: workers }, async (_, w) => {
          for (let i = w; performance.now() < until; i++)
            samples.push(await send(i % 2 ? '/deny' : '/local'));
        }),
      );
      return samples;
    };
    const allowedFor = async (user: string): Promise<number> => {
      let allowed = 0;
      for (let i = 0; i < 10; i++) {
        const s = await send('/per-user', { 'x-user': user });
        assert.ok(s.status === 200 || s.status === 429, `per-user answered ${s.status}`);
        if (s.status === 200) allowed++;
      }
      return allowed;
    };

    // Wait for the client's first connection (connect() is not awaited by the gateway).
    const connectBy = performance.now() + 5000;
    while ((await send('/deny')).status !== 200) {
      assert.ok(performance.now() < connectBy, 'the gateway never reached Redis');
      await new Promise((r) => setTimeout(r, 20));
    }

    // Before: Redis answers, every route is global.
    const warm = await steady(300);
    assert.deepEqual(new Set(warm.map((s) => s.status)), new Set([200]));
    assert.equal(await allowedFor('before'), 9, 'Redis allows a fresh caller the whole limit');

    // Outage.
    await server.kill();
    const outage = await steady(1500);
    const local = outage.filter((s) => s.path === '/local');
    const deny = outage.filter((s) => s.path === '/deny');
    assert.ok(local.length > 20 && deny.length > 20, `too few requests during the outage: ${outage.length}`);
    assert.deepEqual(
      local.filter((s) => s.status !== 200).map((s) => s.status),
      [],
      'a local route keeps answering 200 from its local share',
    );
    assert.deepEqual(
      deny.filter((s) => s.status !== 503).map((s) => s.status),
      [],
      'a deny route answers 503 while the store cannot',
    );
    const ms = outage.map((s) => s.ms).sort((a, b) => a - b);
    const p99 = ms[Math.ceil(ms.length * 0.99) - 1] ?? Infinity;
    const max = ms.at(-1) ?? Infinity;
    t.diagnostic(
      `outage: ${outage.length} requests in 1.5 s, p50 ${ms[Math.floor(ms.length / 2)]?.toFixed(2)} ms, ` +
        `p99 ${p99.toFixed(2)} ms, max ${max.toFixed(2)} ms`,
    );
    // The bound separates "never waits on the dead Redis" (a request held by a connect or a
    // command timeout would take seconds) from a loaded CI machine's noise: with the suite's
    // other files running on 2 cores this p99 was seen from 22 ms to 256 ms. The ≤ 5 ms decision
    // latency while Redis is down is measured by the benchmark (bench/redis.ts), not here.
    assert.ok(p99 < 500, `p99 ${p99.toFixed(1)} ms during the outage`);
    assert.ok(max < 1000, `slowest answer ${max.toFixed(1)} ms during the outage`);
    assert.equal(
      await allowedFor('during'),
      3,
      'the local fallback enforces this instance share, ceil(9 / 3)',
    );
    assert.equal(gw.storeStats()?.state, 'open');

    // Recovery: the same port, an empty Redis; ioredis reconnects, the half-open probe closes the circuit.
    await server.restart();
    const restartedAt = performance.now();
    while (gw.storeStats()?.state !== 'closed') {
      assert.ok(
        performance.now() - restartedAt < 8000,
        `still ${gw.storeStats()?.state} 8 s after the restart`,
      );
      const s = await send('/local');
      assert.equal(s.status, 200);
      await new Promise((r) => setTimeout(r, 25));
    }
    t.diagnostic(`circuit closed ${(performance.now() - restartedAt).toFixed(0)} ms after the restart`);
    assert.equal(await allowedFor('after'), 9, 'a fresh caller gets the global limit again');
    assert.equal((await send('/deny')).status, 200);

    // And its usage is in the restarted (empty) Redis, under the policy's prefix: the caller's
    // 9/1h state (the 100000/1m keys expire within a millisecond of their last request). The
    // instances' registry (`<prefix>:gateways`, instance-heartbeat.ts) is no store key.
    inspect = new Redis(server.url, { maxRetriesPerRequest: 1 });
    const keys = await inspect.keys(`${prefix}:{*`);
    assert.equal(keys.length, 1, `keys under ${prefix}: ${keys.join(', ')}`);
    assert.ok(
      Number(await inspect.pttl(keys[0] ?? '')) > 3_000_000,
      'the per-user limit state, kept for its hour',
    );
    await inspect.quit();
    inspect = undefined;

    const logs = captured.lines.join('');
    assert.match(logs, /"store":\{"kind":"redis","redis":"redis:\/\/127\.0\.0\.1:\d+\/?"/);
    assert.match(logs, /circuit open/);
    assert.match(logs, /circuit closed/);
    assert.match(logs, /redis reconnected/);
    assert.doesNotMatch(logs, /request failed inside the gateway/);
  });

  it('starts while Redis is down, answers by each route mode, and goes global once Redis is up', async (t) => {
    if (redis.skipped(t)) return;
    const server = redis.get();
    await running?.stop(100);
    running = undefined;
    await server.kill();
    const path = join(dir, 'policy-down.yaml');
    const prefix2 = `${prefix}b`;
    writeFileSync(path, policy(server.url, upstream?.url ?? '', prefix2));
    const startedAt = performance.now();
    const { logger, lines } = captureLogger('info');
    running = await startGateway({ policyPath: path, port: 0, host: '127.0.0.1', logger, watch: false });
    const gw = running;
    assert.ok(performance.now() - startedAt < 2000, 'the start does not wait for Redis');
    const base = `http://127.0.0.1:${gw.address.port}`;
    const status = async (route: string, user = ''): Promise<number> => {
      const res = await fetch(base + route, { headers: { 'x-user': user } });
      await res.arrayBuffer();
      return res.status;
    };
    assert.equal(await status('/local'), 200);
    assert.equal(await status('/deny'), 503);
    let allowed = 0;
    for (let i = 0; i < 10; i++) if ((await status('/per-user', 'cold')) === 200) allowed++;
    assert.equal(allowed, 3, 'the local share while Redis has never answered');
    assert.match(lines.join(''), /redis is not reachable at startup/);

    await server.restart();
    const restartedAt = performance.now();
    while ((await status('/deny')) !== 200) {
      assert.ok(performance.now() - restartedAt < 8000, 'Redis not picked up 8 s after it came up');
      await new Promise((r) => setTimeout(r, 25));
    }
    t.diagnostic(`Redis picked up ${(performance.now() - restartedAt).toFixed(0)} ms after it came up`);
    allowed = 0;
    for (let i = 0; i < 10; i++) if ((await status('/per-user', 'warm')) === 200) allowed++;
    assert.equal(allowed, 9, 'the global limit once Redis answers');
    assert.match(lines.join(''), /redis connected/);
  });
});
