import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSeries } from './series.ts';

describe('createSeries', () => {
  it('keeps cumulative counts per bucket of the planned duration', () => {
    const s = createSeries(1000, 10);
    s.count(0, 'requests');
    s.count(50, 'revealed');
    s.count(450, 'revealed');
    s.count(1000, 'legitDenied');
    const r = s.result(1000);
    assert.equal(r.bucketMs, 101);
    assert.equal(r.requests.length, 10);
    assert.deepEqual(r.revealed, [1, 1, 1, 1, 2, 2, 2, 2, 2, 2]);
    assert.equal(r.legitDenied.at(-1), 1);
    assert.equal(r.requests.at(-1), 1);
  });

  it('stops at the bucket the run reached', () => {
    const s = createSeries(1000, 10);
    s.count(120, 'requests');
    assert.deepEqual(s.result(250).requests, [0, 1, 1]);
  });

  it('merges buckets instead of growing when time runs past the last one', () => {
    const s = createSeries(undefined, 4);
    for (let at = 0; at < 10_000; at += 100) s.count(at, 'requests');
    const r = s.result(9_900);
    assert.ok(r.requests.length <= 4);
    assert.equal(r.bucketMs, 4000);
    assert.deepEqual(r.requests, [40, 80, 100]);
  });
});
