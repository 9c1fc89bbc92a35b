import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Cluster } from 'ioredis';
import { manualClock } from '../../src/core/clock.ts';
import type { LimitCheck } from '../../src/core/limit.ts';
import { createRedisStore } from '../../src/stores/redis/index.ts';
import type { Store } from '../../src/stores/store.ts';
import { spec } from '../helpers/limit-spec.ts';
import { redisCluster, useRedis } from '../helpers/redis-harness.ts';

/**
 * Two races of the cluster refund (src/stores/redis/cluster.ts + refund-script.ts), found by
 * the concurrent refund test (test/integration/cluster-refund.test.ts). In both, request A is
 * charged in one slot and refused by another; before A's refund lands, request B touches the
 * charged key; the refund then takes back more than A left there, and a later request gets
 * through that the limit should refuse: looser, where the store promises "stricter for a
 * moment, never looser". Both are ordered deterministically: one client keeps its calls to
 * a node in issue order, and A's refund is sent only after A's replies came back.
 *
 * Fixed: a slot holding a distinct check runs only after the others allowed (a dry run once
 * one denied), so no target is ever refunded; a GCRA refund returns only the part of the charge
 * still ahead of now.
 */
const keyOf = (id: string, value: string): string => `${id}:${value}`;

describe('regression: cluster refund races', () => {
  const redis = useRedis(redisCluster);
  let client: Cluster | undefined;
  after(() => client?.quit());
  const open = (now: () => number): Store => {
    client ??= new Cluster([...redis.get().nodes], { redisOptions: { maxRetriesPerRequest: 1 } });
    return createRedisStore({ client, prefix: `rr${randomUUID().slice(0, 8)}`, time: now });
  };

  it('a refund does not remove a target another request found already there', async (t) => {
    if (redis.skipped(t)) return;
    const store = open(() => 1_700_000_000_000);
    const distinct = spec('d/targets', 'fixed-window', 1, 3_600_000);
    const gate = spec('d/gate', 'gcra', 1, 3_600_000, 1);
    const targets = (k: string, ...ts: string[]): LimitCheck => ({
      spec: distinct,
      key: keyOf(distinct.id, k),
      cost: 0,
      targets: ts,
    });
    const gated = (cost: number): LimitCheck => ({ spec: gate, key: keyOf(gate.id, 'all'), cost });
    // A adds +1 to u's set, and is refused by the gate (cost 2 > burst 1): refunded.
    // B, sent at once, finds +1 in the set (cost 0) and passes the gate.
    const [a, b] = await Promise.all([
      store.consume([targets('u', '+1'), gated(2)]),
      store.consume([targets('u', '+1'), gated(1)]),
    ]);
    assert.equal(a.allowed, false);
    assert.equal(b.allowed, true, 'B looked up +1');
    // u has looked up one target (+1) against a distinct limit of 1: a new one must be refused.
    const c = await store.consume([targets('u', '+2')]);
    assert.equal(c.allowed, false, 'A’s refund removed +1 and its charge, though B was served +1 uncharged');
    await store.clear();
  });

  it('a GCRA refund does not take back a charge that time had already repaid', async (t) => {
    if (redis.skipped(t)) return;
    const clock = manualClock(1_700_000_000_000);
    const store = open(() => clock.now());
    // 10 per 1000 s, burst 1: one unit every 100 s. (The race needs only the ratio; Redis
    // expires keys on its own clock, so a 100 ms unit could vanish on a loaded machine.)
    const fast = spec('g/fast', 'gcra', 10, 1_000_000, 1);
    const shut = spec('g/shut', 'fixed-window', 1, 3_600_000);
    const k = (cost = 1): LimitCheck => ({ spec: fast, key: keyOf(fast.id, 'u'), cost });
    const closed: LimitCheck = { spec: shut, key: keyOf(shut.id, 'all'), cost: 1 };
    assert.equal((await store.consume([closed])).allowed, true);
    // A at t: charged on `fast` (TAT t + 100 s), refused by `shut`: refunded when its replies are back.
    const a = store.consume([k(), closed]);
    // 100 s later, before A's refund: A's unit is already repaid by time. B spends the burst.
    clock.advance(100_000);
    const b = store.consume([k()]);
    assert.equal((await a).allowed, false);
    assert.equal((await b).allowed, true);
    // Same instant, burst 1, B just spent it: C must be refused.
    const c = await store.consume([k()]);
    assert.equal(c.allowed, false, 'A’s refund moved the TAT back by a unit B had spent');
    await store.clear();
  });
});
