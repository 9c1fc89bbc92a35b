import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from './clock.ts';

describe('manualClock', () => {
  it('starts where told and advances only when moved', () => {
    const clock = manualClock(1000);
    assert.equal(clock.now(), 1000);
    clock.advance(250);
    assert.equal(clock.now(), 1250);
  });

  it('refuses to advance by a negative amount', () => {
    assert.throws(() => manualClock().advance(-1), /non-negative/);
  });
});
