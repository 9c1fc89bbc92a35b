import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { STEPS } from './algorithms.ts';
import type { AlgorithmName, LimitSpec, StepResult } from './limit.ts';
import { newStepResult } from './limit.ts';

/** Drives one key through a Step the way a store does: commit only allowed steps. */
function bucket(algorithm: AlgorithmName, limit: number, windowMs: number, burst = limit) {
  const spec: LimitSpec = { id: 't', algorithm, limit, windowMs, burst };
  const step = STEPS[algorithm];
  let fresh = true;
  let s = [0, 0, 0];
  return (cost: number, now: number): StepResult => {
    const out = newStepResult();
    step(spec, fresh, s[0] ?? 0, s[1] ?? 0, s[2] ?? 0, cost, now, out);
    if (out.allowed) {
      s = [out.s0, out.s1, out.s2];
      fresh = false;
    }
    return out;
  };
}

describe('gcra', () => {
  it('denies the 3rd lookup in a 1 s window with a limit of 2 per second', () => {
    const take = bucket('gcra', 2, 1000);
    assert.equal(take(1, 0).allowed, true);
    assert.equal(take(1, 0).allowed, true);
    const third = take(1, 0);
    assert.equal(third.allowed, false);
    assert.equal(third.retryAfterMs, 500);
    assert.equal(take(1, 500).allowed, true);
  });

  it('lets a burst of `burst` through, then paces at the rate', () => {
    const take = bucket('gcra', 60, 60_000, 5);
    for (let i = 0; i < 5; i++) assert.equal(take(1, 0).allowed, true);
    const sixth = take(1, 0);
    assert.equal(sixth.allowed, false);
    assert.equal(sixth.retryAfterMs, 1000);
    assert.equal(take(1, 1000).allowed, true);
    assert.equal(take(1, 1000).allowed, false);
  });

  it('charges a weighted cost and reports what is left', () => {
    const take = bucket('gcra', 100, 60_000);
    const first = take(30, 0);
    assert.equal(first.allowed, true);
    assert.equal(first.remaining, 70);
    assert.equal(first.resetMs, 18_000);
    const tooMuch = take(71, 0);
    assert.equal(tooMuch.allowed, false);
    assert.equal(tooMuch.remaining, 70);
    assert.equal(tooMuch.retryAfterMs, 600);
  });

  it('never admits a cost above the burst and says so with a full window', () => {
    const over = bucket('gcra', 10, 1000, 10)(11, 0);
    assert.equal(over.allowed, false);
    assert.equal(over.retryAfterMs, 1000);
  });

  it('is exact for rates that do not divide the window evenly', () => {
    const take = bucket('gcra', 7, 1000);
    let allowed = 0;
    for (let i = 0; i < 100; i++) if (take(1, 0).allowed) allowed++;
    assert.equal(allowed, 7);
    let later = 0;
    for (let i = 0; i < 100; i++) if (take(1, 1000).allowed) later++;
    assert.equal(later, 7);
  });

  it('peeks without charging at cost 0', () => {
    const take = bucket('gcra', 1, 1000);
    assert.equal(take(0, 0).remaining, 1);
    assert.equal(take(1, 0).allowed, true);
  });
});

describe('fixed-window', () => {
  it('denies the 3rd lookup in a 1 s window and resets at the boundary', () => {
    const take = bucket('fixed-window', 2, 1000);
    assert.equal(take(1, 100).allowed, true);
    assert.equal(take(1, 200).allowed, true);
    const third = take(1, 300);
    assert.equal(third.allowed, false);
    assert.equal(third.retryAfterMs, 700);
    assert.equal(third.resetMs, 700);
    assert.equal(take(1, 1000).allowed, true);
  });

  it('lets two quotas through around a boundary (its known weakness)', () => {
    const take = bucket('fixed-window', 3, 1000);
    let allowed = 0;
    for (const t of [999, 999, 999, 1000, 1000, 1000]) if (take(1, t).allowed) allowed++;
    assert.equal(allowed, 6);
  });
});

describe('sliding-window', () => {
  it('weighs the previous window by its overlap', () => {
    const take = bucket('sliding-window', 10, 1000);
    for (let i = 0; i < 10; i++) assert.equal(take(1, 900).allowed, true);
    // At 1500 the previous window still counts half: 10 × 0.5 = 5 used, 5 left.
    let allowed = 0;
    for (let i = 0; i < 10; i++) if (take(1, 1500).allowed) allowed++;
    assert.equal(allowed, 5);
  });

  it('says when a denied request would fit', () => {
    const take = bucket('sliding-window', 4, 1000);
    for (let i = 0; i < 4; i++) take(1, 0);
    const denied = take(1, 0);
    assert.equal(denied.allowed, false);
    // Next window: previous = 4, fits when 4 × (1 − f) + 1 <= 4, f = 0.25.
    assert.equal(denied.retryAfterMs, 1250);
    assert.equal(take(1, 1250).allowed, true);
  });
});
