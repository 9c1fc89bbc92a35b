import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addSet32, bytesOfSet32, emptySet32, hasSet32, type SortedSet32 } from './sorted-set32.ts';

const NO_CAP = Number.MAX_SAFE_INTEGER;

/** The members in order, as a plain array. */
const members = (set: SortedSet32): number[] => Array.from(set.values.subarray(0, set.size));

describe('SortedSet32', () => {
  it('starts empty, holding nothing and no bytes', () => {
    const set = emptySet32();
    assert.equal(set.size, 0);
    assert.equal(hasSet32(set, 0), false);
    assert.equal(bytesOfSet32(set), 0);
  });

  it('holds what was added, in ascending order, and nothing else', () => {
    const set = emptySet32();
    assert.equal(addSet32(set, [30, 10, 20], NO_CAP), 3);
    assert.deepEqual(members(set), [10, 20, 30]);
    for (const v of [10, 20, 30]) assert.equal(hasSet32(set, v), true);
    for (const v of [0, 15, 25, 31]) assert.equal(hasSet32(set, v), false);
    assert.equal(bytesOfSet32(set), 3 * 4);
  });

  it('orders values above 2^31 as unsigned, and keeps the low 32 bits of larger ones', () => {
    const set = emptySet32();
    addSet32(set, [0xffff_ffff, 1, 0x8000_0000, 2 ** 32 + 5], NO_CAP);
    assert.deepEqual(members(set), [1, 5, 0x8000_0000, 0xffff_ffff]);
    assert.equal(hasSet32(set, 0xffff_ffff), true);
    assert.equal(hasSet32(set, 5), true);
  });

  it('adds a duplicate once, within one call and across calls, and counts only the new', () => {
    const set = emptySet32();
    assert.equal(addSet32(set, [7, 7, 3, 7, 3], NO_CAP), 2);
    assert.equal(addSet32(set, [3, 7, 9], NO_CAP), 1);
    assert.deepEqual(members(set), [3, 7, 9]);
  });

  it('adds nothing for an empty list, and leaves the arrays as they were', () => {
    const set = emptySet32();
    addSet32(set, [4], NO_CAP);
    const before = set.values;
    assert.equal(addSet32(set, [], NO_CAP), 0);
    assert.equal(addSet32(set, [4], NO_CAP), 0);
    assert.equal(set.values, before);
  });

  it('at the cap keeps the first new values in the given order, and every old member', () => {
    const set = emptySet32();
    addSet32(set, [50, 60], 4);
    // Room for two: 90 and 10 come first among the new (60 is old, 90 repeats).
    assert.equal(addSet32(set, [60, 90, 90, 10, 5, 1], 4), 2);
    assert.deepEqual(members(set), [10, 50, 60, 90]);
    // Full: nothing more gets in, the old members stay.
    assert.equal(addSet32(set, [1, 2], 4), 0);
    assert.deepEqual(members(set), [10, 50, 60, 90]);
  });

  it('keeps every member when the cap is below the size already held', () => {
    const set = emptySet32();
    addSet32(set, [1, 2, 3], NO_CAP);
    assert.equal(addSet32(set, [4], 2), 0);
    assert.deepEqual(members(set), [1, 2, 3]);
  });

  it('behaves as a capped Set for any sequence of additions', () => {
    const value = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 0xffff_ffff }));
    fc.assert(
      fc.property(
        fc.array(fc.array(value, { maxLength: 12 }), { maxLength: 10 }),
        fc.integer({ min: 0, max: 30 }),
        (batches, cap) => {
          const set = emptySet32();
          const model = new Set<number>();
          for (const batch of batches) {
            let added = 0;
            for (const v of batch) {
              if (model.size >= cap) break;
              if (model.has(v)) continue;
              model.add(v);
              added++;
            }
            assert.equal(addSet32(set, batch, cap), added);
          }
          assert.deepEqual(
            members(set),
            [...model].sort((a, b) => a - b),
          );
          for (const v of model) assert.equal(hasSet32(set, v), true);
          for (const batch of batches) for (const v of batch) assert.equal(hasSet32(set, v), model.has(v));
          assert.equal(hasSet32(set, 41), model.has(41));
        },
      ),
      { seed: 12, numRuns: 300 },
    );
  });
});
