import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blockIntervals, expandPattern } from './pattern-ranges.ts';
import { mobilePlan } from './mobile-ranges.ts';
import { createKeyTable } from './key-table.ts';
import { isEnumguardError } from '../../core/errors.ts';

const ALL = 0x3ff;

describe('expandPattern', () => {
  it('expands classes, groups, alternatives and counted repeats into digit-set sequences', () => {
    assert.deepEqual(expandPattern('7[0-2]\\d'), [[1 << 7, 0b111, ALL]]);
    assert.deepEqual(expandPattern('(?:1|23)'), [[1 << 1], [1 << 2, 1 << 3]]);
    assert.deepEqual(expandPattern('9\\d{1,2}'), [
      [1 << 9, ALL],
      [1 << 9, ALL, ALL],
    ]);
    assert.deepEqual(expandPattern('5?6'), [[1 << 6], [1 << 5, 1 << 6]]);
  });

  it('rejects syntax outside the libphonenumber subset', () => {
    assert.throws(
      () => expandPattern('7+'),
      (e: unknown) => isEnumguardError(e, 'ERR_INTERNAL'),
    );
    assert.throws(
      () => expandPattern('\\w'),
      /cannot expand a libphonenumber pattern: unsupported escape at 0/,
    );
  });
});

describe('blockIntervals', () => {
  it('keeps only whole 10,000-number blocks of the allowed lengths, merged', () => {
    // 70..72 then 7 free digits: block keys 1-70-000 .. 1-72-999 (calling code 1, 9 digits).
    assert.deepEqual(blockIntervals('7[0-2]\\d{7}', '1', [9]), [{ lo: 170_000, hi: 172_999 }]);
    assert.deepEqual(blockIntervals('7[0-2]\\d{7}', '1', [10]), []);
    // The last four digits are not free, so no block is whole.
    assert.deepEqual(blockIntervals('7\\d{5}[0-4]\\d{3}', '1', [10]), []);
  });

  it('finds the UK 07 mobile ranges in libphonenumber metadata', () => {
    const plan = mobilePlan('GB');
    assert.equal(plan.callingCode, '44');
    assert.ok(plan.blockCount > 50_000);
    for (const iv of plan.intervals) assert.equal(String(iv.lo).slice(0, 3), '447');
  });
});

describe('createKeyTable', () => {
  it('maps each key to its position and anything else to -1', () => {
    const keys = [447_700_123_4, 0, 91_987_654_321, 12];
    const table = createKeyTable(keys);
    keys.forEach((k, i) => assert.equal(table.get(k), i));
    assert.equal(table.get(13), -1);
    assert.equal(table.get(-1), -1);
    assert.equal(table.get(0.5), -1);
  });
});
