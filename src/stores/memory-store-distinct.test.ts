import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../core/clock.ts';
import type { LimitCheck, LimitSpec } from '../core/limit.ts';
import { createMemoryStore } from './memory-store.ts';

// A fixed window with room to spare: `remaining` then reads the charged cost exactly.
const roomy: LimitSpec = {
  id: 'cd',
  algorithm: 'fixed-window',
  limit: 1_000_000,
  windowMs: 3_600_000,
  burst: 1_000_000,
};
const numbers = (from: number, count: number): string[] =>
  Array.from({ length: count }, (_, i) => `+1415${String(5_000_000 + from + i)}`);
const distinct = (targets: readonly string[], key = 'cd:alice', spec = roomy): LimitCheck => ({
  spec,
  key,
  cost: 0,
  targets,
});

function charged(store: ReturnType<typeof createMemoryStore>, check: LimitCheck): number {
  const before = store.consume([{ spec: check.spec, key: check.key, cost: 0 }]).outcomes[0]?.remaining;
  const after = store.consume([check]).outcomes[0]?.remaining;
  return (before ?? 0) - (after ?? 0);
}

// What every store must do with targets is in the Store contract (src/testing/store-contract.ts); these
// cases check the memory store's own bookkeeping: stats(), eviction, maxTargetsPerKey.
describe('memory store, distinct targets', () => {
  it('remembers no target of a denied request (all or nothing)', () => {
    const store = createMemoryStore({ clock: manualClock(0), seed: [1, 2] });
    const tight: LimitSpec = { id: 'tight', algorithm: 'gcra', limit: 1, windowMs: 60_000, burst: 1 };
    // The distinct limit alone allows, but another limit of the request denies.
    assert.equal(store.consume([{ spec: tight, key: 'tight:alice', cost: 1 }]).allowed, true);
    const denied = store.consume([distinct(numbers(0, 40)), { spec: tight, key: 'tight:alice', cost: 1 }]);
    assert.equal(denied.allowed, false);
    assert.equal(store.stats().targets, 0);
  });

  it('remembers no target when the distinct limit itself denies', () => {
    const store = createMemoryStore({ clock: manualClock(0), seed: [1, 2] });
    const small: LimitSpec = { id: 'small', algorithm: 'gcra', limit: 6, windowMs: 3_600_000, burst: 100 };
    assert.equal(store.consume([distinct(numbers(0, 90), 'small:a', small)]).allowed, true);
    const over = store.consume([distinct(numbers(90, 20), 'small:a', small)]);
    assert.deepEqual([over.allowed, over.outcomes[0]?.remaining], [false, 10]);
    assert.equal(store.stats().targets, 90);
  });

  it('drops a key’s targets when it is evicted at rest', () => {
    const clock = manualClock(0);
    const store = createMemoryStore({ clock, seed: [1, 2], maxKeys: 64 });
    const book = numbers(0, 30);
    assert.equal(charged(store, distinct(book, 'cd:victim')), 30);
    clock.advance(3_600_000); // the victim's window is over: at rest, but its targets are remembered
    // 64 other keys push the victim out: the only key at rest, forgetting its targets (stricter).
    for (let i = 0; i < 64; i++) store.consume([distinct(numbers(10_000 + i, 1), `cd:k${i}`)]);
    assert.equal(store.stats().keys, 64);
    assert.equal(store.stats().targetSets, 64);
    assert.equal(store.stats().evictedForgetting, 1);
    assert.equal(charged(store, distinct(book, 'cd:victim')), 30);
  });

  it('forgets the oldest half past maxTargetsPerKey, charging them again', () => {
    const store = createMemoryStore({ clock: manualClock(0), seed: [1, 2], maxTargetsPerKey: 100 });
    assert.equal(charged(store, distinct(numbers(0, 100))), 100);
    assert.equal(charged(store, distinct(numbers(100, 1))), 1);
    assert.equal(charged(store, distinct(numbers(50, 51))), 0);
    assert.equal(charged(store, distinct(numbers(0, 50))), 50);
  });

  it('forgets every target on clear()', () => {
    const store = createMemoryStore({ clock: manualClock(0), seed: [1, 2] });
    store.consume([distinct(numbers(0, 10))]);
    assert.equal(store.stats().targets, 10);
    void store.clear();
    assert.deepEqual([store.stats().targets, store.stats().targetSets], [0, 0]);
  });
});
