import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { manualClock } from '../core/clock.ts';
import type { LimitCheck, LimitSpec } from '../core/limit.ts';
import { createMemoryStore } from './memory-store.ts';

const spec = (
  id: string,
  limit: number,
  windowMs = 60_000,
  algorithm: LimitSpec['algorithm'] = 'gcra',
): LimitSpec => ({
  id,
  algorithm,
  limit,
  windowMs,
  burst: limit,
});
const check = (s: LimitSpec, key: string, cost = 1): LimitCheck => ({ spec: s, key, cost });

describe('memory store', () => {
  // The behaviour of separate keys and clear() is in the Store contract (src/testing/store-contract.ts).
  it('counts a key in size() once, and clear() empties it', () => {
    const store = createMemoryStore({ clock: manualClock(0), seed: [3, 4] });
    const one = spec('one', 1);
    store.consume([check(one, 'x')]);
    store.consume([check(one, 'y')]);
    store.consume([check(one, 'x')]);
    assert.equal(store.size(), 2);
    void store.clear();
    assert.equal(store.size(), 0);
  });

  it('does not store a key for a cost-0 peek', () => {
    const store = createMemoryStore({ clock: manualClock(0) });
    store.consume([check(spec('p', 5), 'k', 0)]);
    assert.equal(store.size(), 0);
  });

  it('never holds more than maxKeys, evicting expired keys before live ones', () => {
    const clock = manualClock(0);
    const store = createMemoryStore({ clock, maxKeys: 64, seed: [5, 6] });
    const short = spec('short', 1, 1000);
    const long = spec('long', 1, 3_600_000);
    for (let i = 0; i < 32; i++) store.consume([check(long, `live-${i}`)]);
    for (let i = 0; i < 32; i++) store.consume([check(short, `old-${i}`)]);
    assert.equal(store.size(), 64);
    clock.advance(5000); // the short keys have expired, the long ones have not
    for (let i = 0; i < 32; i++) store.consume([check(long, `new-${i}`)]);
    assert.equal(store.size(), 64);
    assert.ok(store.stats().evictedExpired >= 28, `expired evictions: ${store.stats().evictedExpired}`);
    // The live keys kept their state: each is still spent.
    let stillSpent = 0;
    for (let i = 0; i < 32; i++) if (!store.consume([check(long, `live-${i}`)]).allowed) stillSpent++;
    assert.ok(stillSpent >= 28, `live keys kept: ${stillSpent}`);
  });

  it('evicts the least recently used key when nothing has expired', () => {
    const store = createMemoryStore({ clock: manualClock(0), maxKeys: 64, seed: [7, 8] });
    const long = spec('long', 1, 3_600_000);
    for (let i = 0; i < 64; i++) store.consume([check(long, `k${i}`)]);
    store.consume([check(long, 'k0', 0)]); // a peek still counts as a use
    store.consume([check(long, 'k64')]); // evicts k1, the least recently used
    assert.equal(store.consume([check(long, 'k0')]).allowed, false);
    assert.equal(store.consume([check(long, 'k1')]).allowed, true);
    assert.equal(store.stats().evictedLru >= 1, true);
  });

  it('behaves like an unbounded LRU map of states (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ key: fc.integer({ min: 0, max: 150 }), dt: fc.integer({ min: 0, max: 10 }) }), {
          maxLength: 600,
        }),
        (ops) => {
          const clock = manualClock(0);
          const store = createMemoryStore({ clock, maxKeys: 64, seed: [9, 10] });
          const s = spec('m', 1000, 3_600_000);
          const model = new Map<number, number>(); // key → units spent, in LRU order
          for (const op of ops) {
            clock.advance(op.dt);
            const spent = model.get(op.key) ?? 0;
            model.delete(op.key);
            if (model.size >= 64) model.delete(model.keys().next().value as number);
            model.set(op.key, spent + 1);
            const outcome = store.consume([check(s, `key-${op.key}`)]).outcomes[0];
            // GCRA refills a little with time, so compare against the model's spent units loosely.
            assert.ok(outcome !== undefined);
            assert.ok(
              outcome.remaining <= 1000 - (spent + 1) + Math.ceil((clock.now() * 1000) / 3_600_000) + 1,
            );
            assert.ok(outcome.remaining >= 1000 - (spent + 1) - 1, `key ${op.key}: state lost`);
            assert.equal(store.size(), model.size);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
