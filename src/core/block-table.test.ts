import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createBlockTable } from './block-table.ts';

describe('block table', () => {
  it('maps blocks to dense slots and evicts the least recently touched, like a model LRU', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer(),
        // Few distinct keys, far past 2^32, so probe runs collide and evictions shift them.
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 300 }),
        (maxSlots, seed, picks) => {
          let grown = 0;
          const table = createBlockTable(maxSlots, seed, (cap) => {
            grown = cap;
          });
          assert.equal(grown, 0, 'the owner sizes its first arrays from capacity()');
          /** Keys, most recently touched last. */
          const model: number[] = [];
          const slotOf = new Map<number, number>();
          let evicted = 0;
          for (const pick of picks) {
            const block = 99_999_000_000 + pick * 7_919;
            const known = model.indexOf(block);
            const s = table.acquire(block);
            if (known >= 0) {
              model.splice(known, 1);
              assert.equal(table.fresh(), false);
              assert.equal(s, slotOf.get(block));
            } else {
              assert.equal(table.fresh(), true);
              if (model.length === maxSlots) {
                slotOf.delete(model.shift() as number);
                evicted++;
              }
              slotOf.set(block, s);
            }
            model.push(block);
            assert.ok(s >= 0 && s < maxSlots);
            assert.equal(table.size(), model.length);
            assert.ok(table.capacity() >= table.size());
            for (let p = 0; p <= 30; p++) {
              const b = 99_999_000_000 + p * 7_919;
              assert.equal(table.find(b), slotOf.get(b) ?? -1);
            }
            for (const [b, slot] of slotOf) assert.equal(table.keyOf(slot), b);
          }
          assert.equal(table.evicted(), evicted);
        },
      ),
      { numRuns: 300 },
    );
  });
});
