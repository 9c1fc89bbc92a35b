import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createRangeDensity } from './range-density.ts';

/**
 * Small blocks (10 or 100 numbers) over a handful of blocks, so windows fill, blocks turn
 * hot and maxBlocks evicts within a few operations.
 */
const BLOCKS = 6;

const configArb = fc.record({
  blockDigits: fc.integer({ min: 1, max: 2 }),
  // Multiples of 50 ms, as are the clock steps, so steps land exactly on window ends.
  windowMs: fc.integer({ min: 1, max: 40 }).map((n) => n * 50),
  hotShare: fc.double({ min: 0.01, max: 1, noNaN: true }),
  contributors: fc.integer({ min: 1, max: 4 }),
  seed: fc.integer(),
});

interface Op {
  dt: number;
  identity: number;
  /** (block, offset) pairs; the offset is cut to the block size. */
  picks: [number, number][];
}

const opsArb = (maxDt: number) =>
  fc.array(
    fc.record({
      dt: fc.oneof(
        fc.constant(0),
        fc.integer({ min: 0, max: maxDt / 50 }).map((n) => n * 50),
      ),
      identity: fc.integer({ min: 0, max: 5 }),
      picks: fc.array(fc.tuple(fc.integer({ min: 0, max: BLOCKS - 1 }), fc.nat()), { maxLength: 40 }),
    }),
    { minLength: 1, maxLength: 60 },
  );

/** Blocks far past 2^32 numbers, as real E.164 numbers are. */
const BLOCK_BASE = 1_415_555_000;

function numbersOf(op: Op, blockSize: number): number[] {
  return op.picks.map(([b, o]) => (BLOCK_BASE + b) * blockSize + (o % blockSize));
}

describe('range density (properties)', () => {
  it('counts exactly the distinct numbers of each block window while nothing is evicted', () => {
    fc.assert(
      fc.property(configArb, opsArb(3_000), (config, ops) => {
        const rd = createRangeDensity({ ...config, maxBlocks: BLOCKS });
        const size = rd.config.blockSize;
        const model = new Map<number, { start: number; seen: Set<number> }>();
        const announced = new Set<string>();
        let now = 1_000_000;
        for (const op of ops) {
          now += op.dt;
          const numbers = numbersOf(op, size);
          const events = rd.observe(op.identity, numbers, now);
          for (const n of numbers) {
            const block = Math.floor(n / size);
            let m = model.get(block);
            if (m === undefined || now >= m.start + config.windowMs) {
              m = { start: now, seen: new Set() };
              model.set(block, m);
            }
            m.seen.add(n);
          }
          for (const e of events) {
            assert.ok(e.distinct >= rd.config.hotDistinct);
            assert.ok(e.distinct <= size);
            if (e.kind === 'block-hot') {
              const key = `${e.block}@${e.window.start}`;
              assert.ok(!announced.has(key), `announced ${key} twice`);
              announced.add(key);
            }
            for (const c of e.contributors) assert.ok(c.numbers >= 1 && c.numbers <= e.distinct);
          }
          for (const [block, m] of model) {
            const expected = now >= m.start + config.windowMs ? 0 : m.seen.size;
            assert.equal(rd.distinct(block, now), expected);
            assert.equal(rd.isHot(block, now), expected >= rd.config.hotDistinct);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('never holds more than maxBlocks, nor counts more than the block size or the numbers observed in the last window', () => {
    fc.assert(
      fc.property(configArb, fc.integer({ min: 1, max: 4 }), opsArb(2_000), (config, maxBlocks, ops) => {
        const rd = createRangeDensity({ ...config, maxBlocks });
        const size = rd.config.blockSize;
        const log: { t: number; n: number }[] = [];
        let now = 0;
        for (const op of ops) {
          now += op.dt;
          const numbers = numbersOf(op, size);
          rd.observe(op.identity, numbers, now);
          for (const n of numbers) log.push({ t: now, n });
          assert.ok(rd.size() <= maxBlocks, `holds ${rd.size()} > ${maxBlocks}`);
          for (let b = 0; b < BLOCKS; b++) {
            const block = BLOCK_BASE + b;
            // Whatever a block counts was observed within its window, which began after now − W.
            const recent = new Set(
              log
                .filter((e) => e.t > now - config.windowMs && Math.floor(e.n / size) === block)
                .map((e) => e.n),
            );
            const d = rd.distinct(block, now);
            assert.ok(d <= size && d <= recent.size, `block ${b}: ${d} > ${recent.size}`);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('never raises a distinct count or announces anything when the same numbers are queried again', () => {
    fc.assert(
      fc.property(configArb, opsArb(3_000), fc.integer({ min: 0, max: 5 }), (config, ops, other) => {
        const rd = createRangeDensity({ ...config, maxBlocks: BLOCKS });
        const size = rd.config.blockSize;
        let now = 0;
        for (const op of ops) {
          now += op.dt;
          const numbers = numbersOf(op, size);
          rd.observe(op.identity, numbers, now);
          const before = Array.from({ length: BLOCKS }, (_, b) => rd.distinct(BLOCK_BASE + b, now));
          // By anyone, in the same windows.
          assert.deepEqual(rd.observe(other, numbers, now), []);
          const after = Array.from({ length: BLOCKS }, (_, b) => rd.distinct(BLOCK_BASE + b, now));
          assert.deepEqual(after, before);
        }
      }),
      { numRuns: 200 },
    );
  });
});
