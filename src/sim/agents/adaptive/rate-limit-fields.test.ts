import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rateLimitHeaders } from '../../../pipeline/rate-limit-headers.ts';
import type { LimitOutcome, LimitSpec } from '../../../core/limit.ts';
import { deferredSeconds, readLimitFields } from './rate-limit-fields.ts';

describe('readLimitFields', () => {
  it('reads quota, window, remaining and reset of each partition as the gateway sends them', () => {
    const spec = { id: 'discover/per-ip', limit: 20, windowMs: 60_000 } as unknown as LimitSpec;
    const outcomes = [
      { spec, key: 'discover/per-ip:1.2.3.4', remaining: 19, resetMs: 2500 },
      { spec, key: 'discover/per-ip:5.6.7.8', remaining: 3, resetMs: 60_000 },
    ] as unknown as LimitOutcome[];
    const fields = readLimitFields(rateLimitHeaders(outcomes));
    assert.equal(fields.length, 2);
    assert.deepEqual(
      fields.map((f) => [f.quota, f.windowS, f.remaining, f.resetS]),
      [
        [20, 60, 19, 3],
        [20, 60, 3, 60],
      ],
    );
    assert.notEqual(fields[0]?.partition, fields[1]?.partition);
  });

  it('keeps commas and semicolons inside quoted names apart from the list syntax', () => {
    const fields = readLimitFields({
      'ratelimit-policy': '"a,b;c";q=5;w=10;pk=:AA==:',
      ratelimit: '"a,b;c";r=4;t=9;pk=:AA==:',
    });
    assert.deepEqual(fields, [
      { partition: '"a,b;c":AA==:', quota: 5, windowS: 10, remaining: 4, resetS: 9 },
    ]);
  });

  it('reads nothing from an answer without the fields', () => {
    assert.deepEqual(readLimitFields({ 'content-type': 'application/json' }), []);
  });
});

describe('deferredSeconds', () => {
  it('reads the seconds of enumguard-deferred and ignores a malformed value', () => {
    assert.equal(deferredSeconds({ 'enumguard-deferred': '3600' }), 3600);
    assert.equal(deferredSeconds({ 'enumguard-deferred': 'soon' }), undefined);
    assert.equal(deferredSeconds({}), undefined);
  });
});
