import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { systemClock } from '../../src/runtime/system-clock.ts';
import type { LimitCheck, LimitSpec } from '../../src/core/limit.ts';
import { openRedisStore, type OpenedRedisStore } from '../../src/stores/redis/open-redis-store.ts';
import type { RedisStoreConfig } from '../../src/policy/types.ts';
import { createInstanceHeartbeat, type HeartbeatClient } from '../../src/stores/instance-heartbeat.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { redisCluster, redisRestartable, redisStandalone, useRedis } from '../helpers/redis-harness.ts';

/**
 * Task "instances is unchecked" (issue 5): gateways count each other through the Redis they
 * share. The script runs on a real Redis and a real 3-node Cluster; the clock is sent with
 * each beat (the heartbeat's test-only `time`) so staleness needs no sleeping. The last case
 * runs two gateway stores on Redis TIME and real timers, then kills Redis: each falls back to
 * half of each limit, the count it observed.
 */
async function threeSeeEachOther(client: HeartbeatClient): Promise<void> {
  const prefix = `hb${randomUUID().slice(0, 8)}`;
  let now = 1_000_000;
  const make = (id: string) =>
    createInstanceHeartbeat({ client, prefix, id, everyMs: 1000, time: () => now });
  const [a, b, c] = [make('a'), make('b'), make('c')];
  assert.deepEqual([await a.beat(), await b.beat(), await c.beat()], [1, 2, 3]);
  assert.equal(await a.beat(), 3);
  // c crashes (stops beating, never deregisters): still counted 3 s after its last beat, gone after.
  now += 3000;
  assert.equal(await a.beat(), 3);
  now += 1;
  assert.equal(await b.beat(), 2);
  assert.equal(await a.beat(), 2);
  // b shuts down cleanly: a sees it leave at its next beat, without waiting for staleness.
  await b.stop();
  assert.equal(await a.beat(), 1);
  await a.stop();
}

describe('instance heartbeat on Redis standalone', () => {
  const redis = useRedis(() => redisStandalone());
  let client: Redis | undefined;
  after(() => client?.quit());

  it('three heartbeaters see each other; a crashed one drops out after 3 beats, a stopped one at once', async (t) => {
    if (redis.skipped(t)) return;
    client = new Redis(redis.get().url, { maxRetriesPerRequest: 1 });
    await threeSeeEachOther(client);
  });

  it('leaves a key that expires on its own and no member once every instance stopped', async (t) => {
    if (redis.skipped(t)) return;
    client ??= new Redis(redis.get().url, { maxRetriesPerRequest: 1 });
    const prefix = `hb${randomUUID().slice(0, 8)}`;
    // Redis TIME this time: the production path.
    const a = createInstanceHeartbeat({ client, prefix, everyMs: 1000 });
    assert.equal(await a.beat(), 1);
    const [score, ttl] = await Promise.all([client.zscore(a.key, a.id), client.pttl(a.key)]);
    const [seconds, micros] = await client.time();
    const redisNow = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    assert.ok(Math.abs(Number(score) - redisNow) < 1000, `score ${score} is Redis TIME ${redisNow}`);
    assert.ok(ttl > 5000 && ttl <= 6000, `the key expires 2 × 3 s after the last beat, got ${ttl} ms`);
    await a.stop();
    assert.equal(await client.exists(a.key), 0);
  });
});

describe('instance heartbeat on a Redis Cluster', () => {
  const redis = useRedis(redisCluster);
  let client: Cluster | undefined;
  after(() => client?.quit());

  it('three heartbeaters see each other through the cluster; a crashed one drops out, a stopped one at once', async (t) => {
    if (redis.skipped(t)) return;
    client = new Cluster([...redis.get().nodes], { redisOptions: { maxRetriesPerRequest: 1 } });
    await threeSeeEachOther(client);
  });
});

const spec = (limit: number): LimitSpec => ({
  id: 'route/per-user',
  algorithm: 'gcra',
  limit,
  windowMs: 3_600_000,
  burst: limit,
});

async function until(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('gateway stores counting each other, then losing Redis', () => {
  const redis = useRedis(redisRestartable);
  const opened: OpenedRedisStore[] = [];
  after(async () => {
    for (const s of opened) await s.close();
  });

  it('observe 2 live gateways, warn that instances: 3 disagrees, and fall back to limit ÷ 2 with auto', async (t) => {
    if (redis.skipped(t)) return;
    const prefix = `hb${randomUUID().slice(0, 8)}`;
    const config = (instances: number | 'auto'): RedisStoreConfig => ({
      kind: 'redis',
      target: { mode: 'standalone', url: redis.get().url },
      prefix,
      seed: undefined,
      seedEnv: undefined,
      timeoutMs: 50,
      instances,
      auth: undefined,
    });
    const autoLog = captureLogger('info');
    const fixedLog = captureLogger('info');
    const auto = openRedisStore(config('auto'), {
      clock: systemClock,
      logger: autoLog.logger,
      heartbeatEveryMs: 100,
    });
    const fixed = openRedisStore(config(3), {
      clock: systemClock,
      logger: fixedLog.logger,
      heartbeatEveryMs: 100,
    });
    opened.push(auto, fixed);
    await until('both gateways to observe 2 instances', () =>
      [auto, fixed].every((s) => s.instances().observed === 2),
    );
    assert.deepEqual(auto.instances(), { observed: 2, enforced: 2 });
    assert.deepEqual(fixed.instances(), { observed: 2, enforced: 3 });
    assert.ok(
      fixedLog.lines.some((l) =>
        l.includes('server.store.instances is 3 but 2 gateway instance(s) heartbeat on the store'),
      ),
      fixedLog.lines.join(''),
    );

    await redis.get().kill();
    const check = (key: string): LimitCheck => ({ spec: spec(12), key, cost: 1 });
    const allowedOf = async (store: OpenedRedisStore, key: string): Promise<number> => {
      let allowed = 0;
      for (let i = 0; i < 15; i++) {
        const out = await store.store.consume([check(key)], undefined, { unavailable: 'local' });
        assert.equal(out.fallback, 'local');
        if (out.allowed) allowed++;
      }
      return allowed;
    };
    // 12 per hour: the auto gateway enforces 12 ÷ 2 = 6 (the last count it saw), the fixed one 12 ÷ 3 = 4.
    assert.equal(await allowedOf(auto, 'caller'), 6);
    assert.equal(await allowedOf(fixed, 'caller'), 4);
    // Redis down: the heartbeat keeps its count and logs its failure once, not per beat.
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(auto.instances().observed, 2);
    const failures = autoLog.lines.filter((l) => l.includes('instance heartbeat failed'));
    assert.equal(failures.length, 1, autoLog.lines.join(''));
  });
});
