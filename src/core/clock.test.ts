import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from './clock.ts';
import { isEnumguardError } from './errors.ts';

describe('manualClock', () => {
  it('starts where told and advances only when moved', () => {
    const clock = manualClock(1000);
    assert.equal(clock.now(), 1000);
    clock.advance(250);
    assert.equal(clock.now(), 1250);
  });

  it("refuses to advance by a negative amount with ERR_CONFIG (the caller's mistake)", () => {
    assert.throws(
      () => manualClock().advance(-1),
      (e: unknown) =>
        isEnumguardError(e, 'ERR_CONFIG') && /non-negative number of ms, got -1/.test(e.message),
    );
  });
});
