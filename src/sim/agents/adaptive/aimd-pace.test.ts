import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { aimdPace } from './aimd-pace.ts';

describe('aimdPace', () => {
  it('raises a key after each answer up to its maximum and halves it on a refusal', () => {
    const pace = aimdPace(2, { start: 10, min: 0.1, max: 12 });
    pace.raise(0);
    assert.equal(pace.rate(0), 10.5);
    for (let i = 0; i < 20; i++) pace.raise(0);
    assert.equal(pace.rate(0), 12);
    pace.cut(0);
    assert.equal(pace.rate(0), 6);
    assert.equal(pace.rate(1), 10, 'keys are independent');
  });

  it('spaces a key by cost over rate, and holds it until a given time', () => {
    const pace = aimdPace(1, { start: 100, min: 1, max: 1000 });
    pace.spend(0, 1000, 5_000);
    assert.equal(pace.readyAt(0), 15_000);
    pace.holdUntil(0, 60_000);
    assert.equal(pace.readyAt(0), 60_000);
  });

  it('never goes below its minimum, and starts over when reset', () => {
    const pace = aimdPace(1, { start: 4, min: 1, max: 100 });
    for (let i = 0; i < 10; i++) pace.cut(0);
    assert.equal(pace.rate(0), 1);
    pace.reset(0);
    assert.equal(pace.rate(0), 4);
  });
});
