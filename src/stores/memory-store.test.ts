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

  it('never holds more than maxKeys, evicting keys at rest and keeping spent ones', () => {
    const clock = manualClock(0);
    const store = createMemoryStore({ clock, maxKeys: 64, seed: [5, 6] });
    const short = spec('short', 1, 1000);
    const long = spec('long', 1, 3_600_000);
    for (let i = 0; i < 32; i++) store.consume([check(long, `live-${i}`)]);
    for (let i = 0; i < 32; i++) store.consume([check(short, `old-${i}`)]);
    assert.equal(store.size(), 64);
    clock.advance(5000); // the short keys are at rest, the long ones are still spent
    for (let i = 0; i < 32; i++) assert.equal(store.consume([check(long, `new-${i}`)]).allowed, true);
    assert.equal(store.size(), 64);
    assert.equal(store.stats().evictedResting, 32);
    assert.equal(store.stats().overflowed, 0);
    for (let i = 0; i < 32; i++) assert.equal(store.consume([check(long, `live-${i}`)]).allowed, false);
  });

  it("decides a new key on its limit's overflow bucket when every key is spent", () => {
    const store = createMemoryStore({ clock: manualClock(0), maxKeys: 64, seed: [7, 8] });
    const long = spec('long', 1, 3_600_000);
    for (let i = 0; i < 64; i++) store.consume([check(long, `k${i}`)]);
    // No key is at rest: the first newcomer spends the shared overflow bucket, the rest are refused.
    assert.equal(store.consume([check(long, 'k64')]).allowed, true);
    assert.equal(store.consume([check(long, 'k65')]).allowed, false);
    assert.equal(store.consume([check(long, 'k0')]).allowed, false, 'a spent key stays spent');
    assert.equal(store.stats().overflowed, 2);
    assert.equal(store.stats().evictedResting + store.stats().evictedForgetting, 0);
  });

  it('evicts a key at rest whose targets are remembered only when no key without targets rests', () => {
    const clock = manualClock(0);
    const store = createMemoryStore({ clock, maxKeys: 64, seed: [1, 2] });
    const s = spec('d', 100, 1000);
    const distinct = (key: string): LimitCheck => ({ spec: s, key, cost: 0, targets: ['+15550000001'] });
    for (let i = 0; i < 64; i++) store.consume([distinct(`t${i}`)]);
    clock.advance(5000);
    assert.equal(store.consume([check(s, 'plain')]).allowed, true);
    assert.equal(store.stats().evictedForgetting, 1);
  });

  it('never allows a key more than rate × d + burst in any window, however the store fills (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ key: fc.integer({ min: 0, max: 150 }), dt: fc.integer({ min: 0, max: 200 }) }), {
          maxLength: 600,
        }),
        (ops) => {
          const clock = manualClock(0);
          const store = createMemoryStore({ clock, maxKeys: 64, seed: [9, 10] });
          const s = spec('m', 3, 1000);
          const allowedAt = new Map<number, number[]>();
          for (const op of ops) {
            clock.advance(op.dt);
            if (!store.consume([check(s, `key-${op.key}`)]).allowed) continue;
            const times = allowedAt.get(op.key) ?? [];
            times.push(clock.now());
            allowedAt.set(op.key, times);
            assert.ok(store.size() <= 64);
          }
          for (const [key, times] of allowedAt) {
            for (let i = 0; i < times.length; i++) {
              let inWindow = 0;
              for (let j = i; j < times.length && (times[j] as number) < (times[i] as number) + 1000; j++)
                inWindow++;
              assert.ok(inWindow <= 6, `key ${key}: ${inWindow} allowed in one window`);
            }
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
