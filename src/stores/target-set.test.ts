import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createScratchSet, createTargetSet, targetFingerprint } from './target-set.ts';

const number = (i: number): string => `+1${String(2_000_000_000 + i)}`;

describe('target set', () => {
  it('remembers what was added and grows past its initial size', () => {
    const set = createTargetSet(1_000);
    for (let i = 0; i < 500; i++) set.add(targetFingerprint(number(i), 7));
    set.add(targetFingerprint(number(3), 7));
    assert.equal(set.size(), 500);
    for (let i = 0; i < 500; i++) assert.equal(set.has(targetFingerprint(number(i), 7)), true);
  });

  it('keeps what it holds across a reserve, and reserves no more than its bound', () => {
    const set = createTargetSet(300);
    for (let i = 0; i < 5; i++) set.add(targetFingerprint(number(i), 7));
    set.reserve(1_000);
    for (let i = 0; i < 5; i++) assert.equal(set.has(targetFingerprint(number(i), 7)), true);
    for (let i = 5; i < 301; i++) set.add(targetFingerprint(number(i), 7));
    // The bound still applies after a reserve larger than it: the 301st add forgets the oldest half.
    assert.equal(set.size(), 151);
    assert.equal(set.has(targetFingerprint(number(300), 7)), true);
    assert.equal(set.has(targetFingerprint(number(0), 7)), false);
  });

  it('forgets the oldest half once full, and keeps the newest', () => {
    const set = createTargetSet(100);
    for (let i = 0; i < 101; i++) set.add(targetFingerprint(number(i), 7));
    assert.equal(set.size(), 51);
    assert.equal(set.has(targetFingerprint(number(0), 7)), false);
    assert.equal(set.has(targetFingerprint(number(49), 7)), false);
    assert.equal(set.has(targetFingerprint(number(50), 7)), true);
    assert.equal(set.has(targetFingerprint(number(100), 7)), true);
  });

  it('takes a never-seen target for a seen one at about n / 2^32 per lookup (200k targets)', () => {
    const n = 200_000;
    const set = createTargetSet(n);
    const seed = 0x5eed;
    for (let i = 0; i < n; i++) set.add(targetFingerprint(number(i), seed));
    assert.equal(set.size(), n, 'distinct targets got distinct fingerprints, bar collisions');
    let falsePositives = 0;
    for (let i = n; i < 2 * n; i++) if (set.has(targetFingerprint(number(i), seed))) falsePositives++;
    const rate = falsePositives / n;
    // Expected n / 2^32 ≈ 4.7e-5, i.e. about 9 of 200,000.
    assert.ok(rate < 1e-4, `false-positive rate ${rate} (${falsePositives} of ${n})`);
  });

  it('gives different fingerprints under different seeds', () => {
    assert.notEqual(targetFingerprint('+14155550100', 1), targetFingerprint('+14155550100', 2));
  });
});

describe('scratch set', () => {
  it('dedupes within one reset and starts empty after the next', () => {
    const scratch = createScratchSet();
    scratch.reset(3);
    assert.deepEqual(
      [5, 6, 5, 7].map((h) => scratch.addIfAbsent(h)),
      [true, true, false, true],
    );
    scratch.reset(1_000);
    assert.equal(scratch.addIfAbsent(5), true);
  });
});
