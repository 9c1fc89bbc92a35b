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
import { waitUntil } from '../helpers/wait-for.ts';

/**
 * Task "instances is unchecked" (issue 5): gateways count each other through the Redis they
 * share. The script runs on a real Redis and a real 3-node Cluster; the clock is sent with
 * each beat (the heartbeat's test-only `time`) so staleness needs no sleeping. The last case
 * runs two gateway stores on Redis TIME with beats driven by hand, then kills Redis: each falls
 * back to half of each limit, the count it observed.
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
    // Redis TIME this time: the production path. Bounds read from Redis TIME around the beat
    // and the PTTL: exact however long the machine takes between the calls.
    const redisTime = async (c: Redis): Promise<number> => {
      const [seconds, micros] = await c.time();
      return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    };
    const a = createInstanceHeartbeat({ client, prefix, everyMs: 1000 });
    const before = await redisTime(client);
    assert.equal(await a.beat(), 1);
    const score = Number(await client.zscore(a.key, a.id));
    const ttl = await client.pttl(a.key);
    const after = await redisTime(client);
    assert.ok(before <= score && score <= after, `score ${score} is Redis TIME, within ${before}..${after}`);
    // The key expires 2 × 3 s after the last beat: at score + 6000.
    assert.ok(
      ttl <= 6000 && ttl >= score + 6000 - after,
      `the key expires 2 × 3 s after the last beat, got a PTTL of ${ttl} ms ${after - score} ms after it`,
    );
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
      timeoutMs: 10_000, // generous: every call below fails at once or answers
      instances,
      auth: undefined,
    });
    // Beats by hand (their timer never fires), each awaited: the counts are known, not raced.
    // Each gateway also beats once on its own when it connects. Members go stale 3 × 60 s
    // after their last beat, far beyond any pause of a loaded machine.
    const beats = new Map<string, () => Promise<number | undefined>>();
    const byHand =
      (name: string) =>
      (beat: () => Promise<number | undefined>): (() => void) => {
        beats.set(name, beat);
        return () => beats.delete(name);
      };
    const beat = (name: string): Promise<number | undefined> => {
      const b = beats.get(name);
      assert.ok(b, `the ${name} gateway's heartbeat is running`);
      return b();
    };
    const autoLog = captureLogger('info');
    const fixedLog = captureLogger('info');
    const auto = openRedisStore(config('auto'), {
      clock: systemClock,
      logger: autoLog.logger,
      heartbeatEveryMs: 60_000,
      heartbeatSchedule: byHand('auto'),
    });
    const fixed = openRedisStore(config(3), {
      clock: systemClock,
      logger: fixedLog.logger,
      heartbeatEveryMs: 60_000,
      heartbeatSchedule: byHand('fixed'),
    });
    opened.push(auto, fixed);
    await waitUntil('both gateways to connect and beat once', () =>
      [auto, fixed].every((s) => s.instances().observed !== undefined),
    );
    // Both registered: the next beat of each counts 2.
    assert.deepEqual([await beat('auto'), await beat('fixed')], [2, 2]);
    assert.deepEqual(auto.instances(), { observed: 2, enforced: 2 });
    assert.deepEqual(fixed.instances(), { observed: 2, enforced: 3 });
    assert.ok(
      fixedLog.lines.some((l) =>
        l.includes('server.store.instances is 3 but 2 gateway instance(s) heartbeat on the store'),
      ),
      fixedLog.lines.join(''),
    );

    await redis.get().kill();
    const lost = (lines: string[]) => lines.some((l) => l.includes('redis connection lost or refused'));
    await waitUntil('both gateways to see Redis go', () => lost(autoLog.lines) && lost(fixedLog.lines));
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
    for (let i = 0; i < 5; i++) assert.equal(await beat('auto'), undefined, `beat ${i} with Redis down`);
    assert.equal(auto.instances().observed, 2);
    const failures = autoLog.lines.filter((l) => l.includes('instance heartbeat failed'));
    assert.equal(failures.length, 1, autoLog.lines.join(''));
  });
});
