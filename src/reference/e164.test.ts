import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatE164, parseE164 } from './e164.ts';

describe('formatE164', () => {
  it('writes the same text as the plain number-to-string, for every E.164 length', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1_000_000, max: 999_999_999_999_999 }), (value) => {
        assert.equal(formatE164(value), `+${value}`);
      }),
      { numRuns: 20_000 },
    );
    for (const value of [1_000_000, 10_000_000, 99_999_999, 100_000_000, 100_000_001, 999_999_999_999_999])
      assert.equal(formatE164(value), `+${value}`);
  });

  it('round-trips through parseE164', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1_000_000, max: 999_999_999_999_999 }), (value) => {
        assert.equal(parseE164(formatE164(value)), value);
      }),
    );
  });
});

describe('parseE164', () => {
  it('accepts only "+" and 7 to 15 digits without a leading zero', () => {
    assert.equal(parseE164('+14155550100'), 14155550100);
    for (const bad of ['14155550100', '+0155550100', '+123456', '+1234567890123456', '+1415555010a', ''])
      assert.ok(Number.isNaN(parseE164(bad)), bad);
  });
});
