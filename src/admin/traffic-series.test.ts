import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../core/clock.ts';
import { createTrafficSeries } from './traffic-series.ts';

describe('traffic series', () => {
  it('counts requests and refusals by reason per second, and forgets seconds past its window', () => {
    const clock = manualClock(10_000);
    const series = createTrafficSeries(clock, 3);
    series.count({ outcome: 'allowed', reason: 'ok' });
    series.count({ outcome: 'denied', reason: 'quota-exceeded' });
    clock.advance(1000);
    series.count({ outcome: 'withheld', reason: 'blocked' });
    assert.deepEqual(series.snapshot(), {
      seconds: [9000, 10_000, 11_000],
      requests: [0, 2, 1],
      refusals: { 'quota-exceeded': [0, 1, 0], blocked: [0, 0, 1] },
    });
    clock.advance(3000); // every kept second is now older than the window
    series.count({ outcome: 'allowed', reason: 'ok' });
    assert.deepEqual(series.snapshot().requests, [0, 0, 1]);
    assert.deepEqual(series.snapshot().refusals, { 'quota-exceeded': [0, 0, 0], blocked: [0, 0, 0] });
  });
});
