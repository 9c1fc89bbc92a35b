import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { allocate, generateCanaries, type CanaryRange } from './canaries.ts';
import { DEFAULT_CANARY_RANGES } from './canary-ranges.ts';
import { isEnumguardError } from './errors.ts';

const UK_DRAMA: CanaryRange = { start: 447700900000, end: 447700900999 };
const NANP: CanaryRange = { start: 12125550100, end: 12125550199 };

const isConfigError = (err: unknown): boolean => isEnumguardError(err, 'ERR_CONFIG');

describe('generateCanaries', () => {
  it('gives the same sorted set for the same secret, whatever the ranges order', () => {
    const a = generateCanaries({ secret: 's3cret', count: 50, ranges: [UK_DRAMA, NANP] });
    const b = generateCanaries({ secret: 's3cret', count: 50, ranges: [NANP, UK_DRAMA] });
    assert.deepEqual(a, b);
    assert.equal(a.length, 50);
    assert.deepEqual(
      a,
      [...a].sort((x, y) => x - y),
    );
    assert.equal(new Set(a).size, 50);
  });

  it('gives different sets for different secrets', () => {
    const a = generateCanaries({ secret: 'secret-a', count: 20, ranges: [UK_DRAMA] });
    const b = generateCanaries({ secret: 'secret-b', count: 20, ranges: [UK_DRAMA] });
    const shared = a.filter((n) => b.includes(n)).length;
    // Two random 20-subsets of 1,000 share 0.4 numbers on average.
    assert.ok(shared < 5, `${shared} shared`);
  });

  it('fills a range exactly when count equals its size, and stays inside it', () => {
    const all = generateCanaries({ secret: 'k', count: 100, ranges: [NANP] });
    assert.deepEqual(
      all,
      Array.from({ length: 100 }, (_, i) => NANP.start + i),
    );
  });

  it('handles 15-digit ranges and single numbers', () => {
    const big: CanaryRange = { start: 999_999_000_000_000, end: 999_999_999_999_999 };
    const one: CanaryRange = { start: 61491570006, end: 61491570006 };
    const out = generateCanaries({ secret: 'k', count: 11, ranges: [big, one] });
    assert.equal(out.length, 11);
    for (const n of out) assert.ok((n >= big.start && n <= big.end) || n === one.start);
  });

  it('covers the default ranges', () => {
    const total = DEFAULT_CANARY_RANGES.reduce((s, r) => s + r.end - r.start + 1, 0);
    assert.equal(total, 2230);
    const out = generateCanaries({ secret: 'k', count: total, ranges: DEFAULT_CANARY_RANGES });
    assert.equal(new Set(out).size, total);
  });

  it('rejects a count larger than the ranges hold with ERR_CONFIG', () => {
    assert.throws(
      () => generateCanaries({ secret: 'k', count: 101, ranges: [NANP] }),
      (err: unknown) => {
        assert.ok(isConfigError(err));
        assert.match((err as Error).message, /count 101 exceeds the 100 numbers/);
        return true;
      },
    );
  });

  it('rejects bad secrets, counts, and overlapping or malformed ranges', () => {
    const bad: unknown[] = [
      { secret: '', count: 1, ranges: [NANP] },
      { secret: 'k', count: -1, ranges: [NANP] },
      { secret: 'k', count: 1.5, ranges: [NANP] },
      { secret: 'k', count: 1, ranges: [] },
      { secret: 'k', count: 1, ranges: [{ start: 5, end: 4 }] },
      { secret: 'k', count: 1, ranges: [{ start: 0, end: 4 }] },
      { secret: 'k', count: 1, ranges: [{ start: 1, end: 1e16 }] },
      { secret: 'k', count: 1, ranges: [NANP, { start: NANP.end, end: NANP.end + 5 }] },
    ];
    for (const options of bad) {
      assert.throws(() => generateCanaries(options as Parameters<typeof generateCanaries>[0]), isConfigError);
    }
  });
});

/** Up to 5 disjoint ranges of 1 to 5,000 numbers, in 12-digit space. */
const rangesArb = fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 5 }).map((sizes) =>
  sizes.map((size, i) => ({
    start: 100_000_000_000 + i * 1_000_000,
    end: 100_000_000_000 + i * 1_000_000 + size - 1,
  })),
);

describe('generateCanaries properties', () => {
  it('returns count sorted unique numbers, each inside a range, each range within 1 of its share', () => {
    fc.assert(
      fc.property(
        rangesArb,
        fc.string({ minLength: 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (ranges, secret, share) => {
          const total = ranges.reduce((s, r) => s + r.end - r.start + 1, 0);
          const count = Math.floor(share * total);
          const out = generateCanaries({ secret, count, ranges });
          assert.equal(out.length, count);
          for (let i = 1; i < out.length; i++) assert.ok(out[i - 1]! < out[i]!);
          for (const r of ranges) {
            const inside = out.filter((n) => n >= r.start && n <= r.end).length;
            const exact = (count * (r.end - r.start + 1)) / total;
            assert.ok(Math.abs(inside - exact) < 1, `${inside} vs ${exact}`);
          }
          assert.equal(
            out.every((n) => ranges.some((r) => n >= r.start && n <= r.end)),
            true,
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('apportions exactly count, never above a size, within 1 of each share', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 1e9 }), { minLength: 1, maxLength: 20 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (sizes, share) => {
          const total = sizes.reduce((a, b) => a + b, 0);
          const count = Math.min(1_000_000, Math.floor(share * total));
          const q = allocate(count, sizes, total);
          assert.equal(
            q.reduce((a, b) => a + b, 0),
            count,
          );
          q.forEach((x, i) => {
            assert.ok(x <= sizes[i]!);
            assert.ok(Math.abs(x - (count * sizes[i]!) / total) < 1);
          });
        },
      ),
    );
  });
});
