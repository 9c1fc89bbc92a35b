import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePhoneNumberFromString as parseDefault } from 'libphonenumber-js';
import { parsePhoneNumberFromString as parseMax } from 'libphonenumber-js/max';
import {
  DEFAULT_CANARY_RANGES,
  FIXED_LINE_CANARY_RANGES,
  type ReservedRange,
} from '../core/canary-ranges.ts';

/**
 * The core cannot import libphonenumber, so the claim each reserved range makes about it is
 * checked here, for every number: valid with the default metadata (what the pipeline's
 * normalizer uses), valid with the max metadata, of the stated type and region. A canary
 * libphonenumber rejects would never be produced by a libphonenumber-driven scan.
 */
function checkRange(r: ReservedRange): void {
  for (let n = r.start; n <= r.end; n++) {
    const e164 = `+${n}`;
    const lite = parseDefault(e164);
    assert.ok(lite?.isValid() === true, `${e164} invalid with default metadata`);
    const max = parseMax(e164);
    assert.ok(max?.isValid() === true, `${e164} invalid with max metadata`);
    assert.equal(max.getType(), r.type, `${e164} type`);
    assert.equal(max.country, r.region, `${e164} region`);
  }
}

describe('reserved canary ranges against libphonenumber-js', () => {
  it('every default range is valid, MOBILE or FIXED_LINE_OR_MOBILE, of its region', () => {
    for (const r of DEFAULT_CANARY_RANGES) {
      assert.ok(r.type === 'MOBILE' || r.type === 'FIXED_LINE_OR_MOBILE');
      checkRange(r);
    }
  });

  it('every fixed-line range is valid FIXED_LINE of its region', () => {
    for (const r of FIXED_LINE_CANARY_RANGES) checkRange(r);
  });

  it('the UK drama mobile range stays out: libphonenumber rejects it (google/libphonenumber#1768)', () => {
    assert.equal(parseMax('+447700900123')?.isValid(), false);
    assert.equal(parseDefault('+447700900123')?.isValid(), false);
    const all = [...DEFAULT_CANARY_RANGES, ...FIXED_LINE_CANARY_RANGES];
    assert.ok(!all.some((r) => r.start <= 447700900999 && r.end >= 447700900000));
  });
});
