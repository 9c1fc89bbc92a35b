import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Cluster } from 'ioredis';
import type { LimitCheck, LimitSpec } from '../../src/core/limit.ts';
import { createRedisStore } from '../../src/stores/redis/index.ts';
import type { Store } from '../../src/stores/store.ts';
import { spec } from '../helpers/limit-spec.ts';
import { redisCluster, useRedis } from '../helpers/redis-harness.ts';

/**
 * The refund path of the Redis store in a Redis Cluster (src/stores/redis/cluster.ts,
 * refund-script.ts) under concurrent load. A request whose keys span slots takes one consume
 * call per slot in parallel; a slot that denies makes the slots that allowed give back what
 * they charged. Many such requests at once against tight limits must still:
 *
 * - never let a limit allow more than it permits in total, and
 * - leave no charge from a refused request: each key's charge, read back afterwards by a
 *   cost-0 peek (remaining = limit − charged), equals the summed cost of the allowed requests.
 *
 * Time is frozen (the store's test-only `time`): nothing refills, so "in total" is exact.
 */
const NOW = 1_700_000_000_000;
const HOUR = 3_600_000;

/** A deterministic PRNG (mulberry32): a failure replays with the same requests. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What the limit allows in total at a frozen clock: the burst for GCRA, the limit for the windows. */
const permitted = (s: LimitSpec): number => (s.algorithm === 'gcra' ? s.burst : s.limit);

/** A store key is namespaced by its limit, as the pipeline's are (limit-keys.ts). */
const keyOf = (s: LimitSpec, value: string): string => `${s.id}:${value}`;

/** limit − remaining of a cost-0 check on its own (one slot): what the key holds charged. */
async function charged(store: Store, s: LimitSpec, key: string): Promise<number> {
  const out = await store.consume([{ spec: s, key, cost: 0 }]);
  return permitted(s) - (out.outcomes[0]?.remaining ?? Number.NaN);
}

describe('redis cluster: refunds under concurrent multi-slot load', () => {
  const redis = useRedis(redisCluster);
  let client: Cluster | undefined;
  after(() => client?.quit());
  const open = (): Store => {
    client ??= new Cluster([...redis.get().nodes], { redisOptions: { maxRetriesPerRequest: 1 } });
    return createRedisStore({ client, prefix: `rf${randomUUID().slice(0, 8)}`, time: () => NOW });
  };

  it('2,000 concurrent 4-slot requests: no limit overdrawn, every refused request leaves no charge', async (t) => {
    if (redis.skipped(t)) return;
    const store = open();
    const perUser = spec('r/user', 'fixed-window', 24, HOUR);
    const perIp = spec('r/ip', 'gcra', 40, HOUR, 30);
    const global = spec('r/global', 'sliding-window', 260, HOUR);
    const targets = spec('r/targets', 'fixed-window', 100_000, HOUR);
    const random = rng(5);
    const users = Array.from({ length: 12 }, (_, i) => `user-${i}`);
    const ips = Array.from({ length: 6 }, (_, i) => `10.0.0.${i}`);
    const requests = Array.from({ length: 2000 }, (_, n): LimitCheck[] => {
      const user = users[Math.floor(random() * users.length)] as string;
      const ip = ips[Math.floor(random() * ips.length)] as string;
      const mine = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, k) => `+1555${n}0${k}`);
      return [
        { spec: perUser, key: keyOf(perUser, user), cost: 1 + Math.floor(random() * 3) },
        { spec: perIp, key: keyOf(perIp, ip), cost: 1 },
        { spec: global, key: keyOf(global, 'all'), cost: 1 },
        // Distinct targets (new to this user: each request its own) in the user's target set.
        { spec: targets, key: keyOf(targets, user), cost: 0, targets: mine },
      ];
    });

    const started = performance.now();
    const results = await Promise.all(requests.map(async (checks) => store.consume(checks)));
    const elapsed = performance.now() - started;

    const spent = new Map<string, number>();
    const add = (s: LimitSpec, key: string, cost: number) =>
      spent.set(`${s.id}|${key}`, (spent.get(`${s.id}|${key}`) ?? 0) + cost);
    let allowed = 0;
    let refunded = 0;
    requests.forEach((checks, i) => {
      const result = results[i];
      assert.ok(result !== undefined);
      if (result.allowed) {
        allowed++;
        assert.ok(
          result.outcomes.every((o) => o.allowed),
          'an allowed request has every check allowed',
        );
        for (const c of checks) add(c.spec, c.key, c.targets?.length ?? c.cost);
      } else if (result.outcomes.some((o) => o.allowed)) refunded++;
    });
    t.diagnostic(
      `${allowed} allowed, ${2000 - allowed} refused, ${refunded} of them refunded by other slots, ${elapsed.toFixed(0)} ms`,
    );
    assert.ok(
      allowed > 0 && refunded > 50,
      `the load must exercise refunds (${allowed} allowed, ${refunded} refunded)`,
    );

    for (const [s, keys] of [
      [perUser, users],
      [perIp, ips],
      [global, ['all']],
      [targets, users],
    ] as const) {
      for (const value of keys) {
        const key = keyOf(s, value);
        const mine = spent.get(`${s.id}|${key}`) ?? 0;
        assert.ok(mine <= permitted(s), `${s.id} ${key}: allowed ${mine}, more than ${permitted(s)}`);
        assert.equal(
          await charged(store, s, key),
          mine,
          `${s.id} ${key}: charged = the allowed requests' cost`,
        );
      }
    }
    // The refused requests' targets were taken back: asking for them again costs each one.
    for (const user of users) {
      const refusedTargets = requests
        .filter((c, i) => !results[i]?.allowed && c[0]?.key === keyOf(perUser, user))
        .flatMap((c) => c[3]?.targets ?? []);
      const allowedTargets = requests
        .filter((c, i) => results[i]?.allowed && c[0]?.key === keyOf(perUser, user))
        .flatMap((c) => c[3]?.targets ?? []);
      const key = keyOf(targets, user);
      const before = await charged(store, targets, key);
      await store.consume([{ spec: targets, key, cost: 0, targets: allowedTargets }]);
      assert.equal(await charged(store, targets, key), before, `${user}: its allowed targets are remembered`);
      await store.consume([{ spec: targets, key, cost: 0, targets: refusedTargets }]);
      assert.equal(
        await charged(store, targets, key),
        before + new Set(refusedTargets).size,
        `${user}: its refused targets were forgotten`,
      );
    }
    await store.clear();
  });
});
