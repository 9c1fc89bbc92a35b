import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isEnumguardError } from './errors.ts';
import { createRangeDensity, type RangeDensityEvent } from './range-density.ts';
import { seededRng } from './rng.ts';

/** A fixed seed: the detector requires one (the gateway's comes from a secret). */
const SEED = 0x5eed;

/** 0 … n − 1 offset from `base`. */
const run = (base: number, n: number): number[] => Array.from({ length: n }, (_, i) => base + i);

describe('range density', () => {
  it('blocks a number by dropping its last blockDigits digits, past 2^32 without %', () => {
    const rd = createRangeDensity({ seed: SEED });
    assert.equal(rd.blockOf(14155550123), 1415555);
    assert.equal(rd.blockOf(999_999_999_999_999), 99_999_999_999);
    const rd2 = createRangeDensity({ seed: SEED, blockDigits: 2 });
    assert.equal(rd2.blockOf(14155550123), 141555501);
  });

  it('counts distinct numbers per block across identities, re-queries free', () => {
    const rd = createRangeDensity({ seed: SEED });
    rd.observe(1, [14155550000, 14155550001, 14155560000], 0);
    rd.observe(2, [14155550001, 14155550002, 14155550000], 10);
    assert.equal(rd.distinct(1415555, 10), 3);
    assert.equal(rd.distinct(1415556, 10), 1);
    assert.equal(rd.distinct(1415557, 10), 0);
    assert.equal(rd.size(), 2);
    // The same numbers at the opposite ends of a 15-digit block.
    rd.observe(3, [999_999_999_990_000, 999_999_999_999_999, 999_999_999_999_999], 10);
    assert.equal(rd.distinct(99_999_999_999, 10), 2);
  });

  it('skips values that are not non-negative safe integers', () => {
    const rd = createRangeDensity({ seed: SEED });
    rd.observe(1, [Number.NaN, -1, 1.5, 2 ** 60, Infinity, 14155550000], 0);
    assert.equal(rd.stats().ignored, 5);
    assert.equal(rd.stats().observed, 1);
    assert.equal(rd.distinct(1415555, 0), 1);
  });

  it('announces a block once when its distinct count reaches the threshold, with its contributors', () => {
    const rd = createRangeDensity({ seed: SEED, blockDigits: 2, hotShare: 0.1, contributors: 4 });
    assert.equal(rd.config.hotDistinct, 10);
    assert.deepEqual(rd.observe(7, run(500, 6), 1_000), []);
    const events = rd.observe(8, run(506, 5), 2_000);
    assert.deepEqual(events, [
      {
        kind: 'block-hot',
        block: 5,
        distinct: 11,
        window: { start: 1_000, end: 61_000 },
        contributors: [
          { identity: 7, numbers: 6 },
          { identity: 8, numbers: 5 },
        ],
      },
    ] satisfies RangeDensityEvent[]);
    assert.equal(rd.isHot(5, 2_000), true);
    // Already announced, and identity 8 already attributed: nothing more in this window.
    assert.deepEqual(rd.observe(8, run(520, 0).concat([511, 512]), 3_000), []);
    assert.equal(rd.distinct(5, 3_000), 13);
  });

  it('attributes each new identity feeding a hot block once, and only for new numbers', () => {
    const rd = createRangeDensity({ seed: SEED, blockDigits: 2, hotShare: 0.1, contributors: 4 });
    rd.observe(1, run(500, 10), 0);
    assert.deepEqual(rd.observe(2, run(500, 10), 1), [], 'numbers already queried attribute nothing');
    const fed = rd.observe(3, [550, 551, 552], 2);
    assert.deepEqual(fed, [
      {
        kind: 'hot-block-fed',
        block: 5,
        distinct: 13,
        window: { start: 0, end: 60_000 },
        contributors: [{ identity: 3, numbers: 3 }],
      },
    ] satisfies RangeDensityEvent[]);
    assert.deepEqual(rd.observe(3, [553], 3), []);
    assert.equal(rd.stats().fedEvents, 1);
    assert.equal(rd.stats().hotEvents, 1);
  });

  it('starts a fresh window windowMs after the block first number, and announces again', () => {
    const rd = createRangeDensity({ seed: SEED, blockDigits: 2, hotShare: 0.1, windowMs: 1_000 });
    assert.equal(rd.observe(1, run(500, 10), 100).length, 1);
    assert.equal(rd.distinct(5, 1_099), 10);
    assert.equal(rd.distinct(5, 1_100), 0, 'expired at start + windowMs');
    assert.deepEqual(rd.observe(1, run(500, 9), 1_100), []);
    assert.equal(rd.isHot(5, 1_100), false);
    const again = rd.observe(1, [509], 1_500);
    assert.equal(again[0]?.kind, 'block-hot');
    assert.deepEqual(again[0]?.window, { start: 1_100, end: 2_100 });
    // A clock that steps back stays in the current window.
    assert.equal(rd.distinct(5, 1_000), 10);
  });

  it('forgets the least recently touched block when maxBlocks are held', () => {
    const rd = createRangeDensity({ seed: SEED, maxBlocks: 2 });
    rd.observe(1, [10_000], 0);
    rd.observe(1, [20_000], 1);
    rd.observe(1, [10_001], 2);
    rd.observe(1, [30_000], 3);
    assert.equal(rd.size(), 2);
    assert.equal(rd.distinct(1, 3), 2);
    assert.equal(rd.distinct(2, 3), 0, 'block 2 was least recently touched');
    assert.equal(rd.distinct(3, 3), 1);
    assert.equal(rd.stats().evicted, 1);
  });

  it('costs about 1.4 KB per active block at default options, and no more blocks than maxBlocks', () => {
    const rd = createRangeDensity({ seed: SEED, maxBlocks: 1_024 });
    for (let b = 0; b < 2_048; b++) rd.observe(b, [(1_000_000 + b) * 10_000], b);
    assert.equal(rd.size(), 1_024);
    const perBlock = rd.memoryBytes() / rd.size();
    assert.ok(perBlock > 1_390 && perBlock < 1_420, `${perBlock} bytes per block`);
  });

  it('keeps the lower bound for an identity that took over another one s cell', () => {
    const rd = createRangeDensity({ seed: SEED, blockDigits: 2, hotShare: 1, contributors: 2 });
    rd.observe(1, run(100, 5), 0);
    rd.observe(2, run(105, 3), 0);
    rd.observe(3, run(108, 2), 0); // evicts identity 2 (3 numbers): count 5, error 3
    const events = rd.observe(1, run(110, 90), 0);
    assert.deepEqual(events[0]?.contributors, [
      { identity: 1, numbers: 95 },
      { identity: 3, numbers: 2 },
    ]);
  });

  it('rejects bad options with ERR_CONFIG naming the field', () => {
    const cases: [object, string][] = [
      [{}, 'range density: seed must be an integer (from a secret or random source), got undefined'],
      [{ seed: SEED, blockDigits: 7 }, 'range density: blockDigits must be an integer from 1 to 6, got 7'],
      [{ seed: SEED, windowMs: 0 }, 'range density: windowMs must be a positive number, got 0'],
      [{ seed: SEED, hotShare: 0 }, 'range density: hotShare must be a share in (0, 1], got 0'],
      [
        { seed: SEED, maxBlocks: 1.5 },
        'range density: maxBlocks must be an integer from 1 to 16777216, got 1.5',
      ],
      [
        { seed: SEED, contributors: 65 },
        'range density: contributors must be an integer from 1 to 64, got 65',
      ],
    ];
    for (const [options, message] of cases) {
      assert.throws(
        () => createRangeDensity(options as Parameters<typeof createRangeDensity>[0]),
        (err: unknown) => isEnumguardError(err, 'ERR_CONFIG') && err.message === message,
      );
    }
  });
});

describe('range density separates scans from address books', () => {
  it('lights the blocks of a scan spread over 1,000 identities in a minute and attributes most of them', () => {
    const rd = createRangeDensity({ seed: SEED });
    const rng = seededRng(4);
    const base = 14155550000; // five NANP exchanges: +1 415 555 … +1 415 559
    const attributed = new Set<number>();
    const hot = new Map<number, number>();
    const scanners = new Set<number>();
    const numbers = new Float64Array(50);
    for (let i = 0; i < 1_000; i++) {
      const identity = Math.imul(i + 1, 0x9e3779b1) >>> 0; // opaque fingerprints
      scanners.add(identity);
      for (let j = 0; j < numbers.length; j++) numbers[j] = base + rng.int(50_000);
      const now = i * 60;
      for (const event of rd.observe(identity, numbers, now)) {
        if (event.kind === 'block-hot' && !hot.has(event.block)) hot.set(event.block, now);
        for (const c of event.contributors) attributed.add(c.identity);
      }
    }
    assert.deepEqual([...hot.keys()].sort(), [1415555, 1415556, 1415557, 1415558, 1415559]);
    assert.ok(Math.max(...hot.values()) < 60_000, 'detected within the minute');
    assert.ok([...attributed].every((id) => scanners.has(id)));
    assert.ok(attributed.size >= 900, `attributed ${attributed.size} of 1,000`);
  });

  it('lights no block for 10,000 address books of 300 numbers over a 50M-number plan', () => {
    const rd = createRangeDensity({ seed: SEED });
    const rng = seededRng(5);
    const base = 20_000_000_000; // 5,000 blocks of 10,000
    const numbers = new Float64Array(300);
    let events = 0;
    let peak = 0;
    // 10,000 syncs arriving over ten minutes: about 60 numbers per block per minute, where
    // the default threshold is 500.
    for (let i = 0; i < 10_000; i++) {
      for (let j = 0; j < numbers.length; j++) numbers[j] = base + rng.int(50_000_000);
      const now = i * 60;
      events += rd.observe(i + 1, numbers, now).length;
      if (i % 1_000 === 999) {
        for (let b = 0; b < 5_000; b++) peak = Math.max(peak, rd.distinct(2_000_000 + b, now));
      }
    }
    assert.equal(events, 0);
    assert.ok(peak < rd.config.hotDistinct / 2, `peak ${peak} distinct in a block-window`);
    assert.equal(rd.size(), 5_000);
  });

  it('credits a legit user who strays into a hot block with the one or two numbers it added, a scanner with more', () => {
    const rd = createRangeDensity({ seed: SEED });
    const rng = seededRng(6);
    const plan = 20_000_000_000; // 5,000 blocks; the scan walks 5 of them
    const scanBase = plan + 1_230 * 10_000;
    const scan = new Float64Array(50);
    const book = new Float64Array(300);
    const best = new Map<number, number>();
    const feed = (identity: number, numbers: Float64Array, now: number): void => {
      for (const e of rd.observe(identity, numbers, now)) {
        for (const c of e.contributors) best.set(c.identity, Math.max(best.get(c.identity) ?? 0, c.numbers));
      }
    };
    // One scanner request and one address-book sync every 60 ms for a minute.
    for (let i = 0; i < 1_000; i++) {
      for (let j = 0; j < scan.length; j++) scan[j] = scanBase + rng.int(50_000);
      for (let j = 0; j < book.length; j++) book[j] = plan + rng.int(50_000_000);
      feed(1_000_000 + i, scan, i * 60);
      feed(i + 1, book, i * 60);
    }
    const legit = [...best].filter(([id]) => id < 1_000_000).map(([, n]) => n);
    const scanners = [...best].filter(([id]) => id >= 1_000_000).map(([, n]) => n);
    assert.ok(legit.length > 0, 'some books touch the scanned blocks');
    assert.ok(Math.max(...legit) <= 2, `a legit user credited ${Math.max(...legit)}`);
    assert.ok(scanners.length >= 900, `attributed ${scanners.length} scanners`);
    assert.ok(Math.min(...scanners) >= 4, `a scanner credited ${Math.min(...scanners)}`);
  });
});
