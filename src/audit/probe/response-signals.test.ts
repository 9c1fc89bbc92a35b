import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rateLimitHeaderNames, retryAfterMs } from './response-signals.ts';

describe('retryAfterMs', () => {
  it('reads delay-seconds and an HTTP-date (RFC 9110 section 10.2.3)', () => {
    assert.equal(retryAfterMs('120', 0), 120_000);
    const now = Date.parse('Sun, 06 Dec 2026 10:00:00 GMT');
    assert.equal(retryAfterMs('Sun, 06 Dec 2026 10:01:30 GMT', now), 90_000);
    assert.equal(retryAfterMs('Sun, 06 Dec 2026 09:00:00 GMT', now), 0, 'a date in the past: no wait');
  });

  it('ignores an absent or malformed value', () => {
    assert.equal(retryAfterMs(null, 0), undefined);
    assert.equal(retryAfterMs('-5', 0), undefined);
    assert.equal(retryAfterMs('soon', 0), undefined);
    assert.equal(retryAfterMs('2026-12-06', 0), undefined);
  });
});

describe('rateLimitHeaderNames', () => {
  it('finds the draft, the older and the X- spellings, and nothing else', () => {
    const headers = new Headers({
      RateLimit: '"default";r=4;t=10',
      'RateLimit-Policy': '"default";q=10;w=60',
      'X-RateLimit-Remaining': '4',
      'X-Rate-Limit-Limit': '10',
      'Retry-After': '5',
      'X-Ratelimited-By': 'none',
    });
    assert.deepEqual(rateLimitHeaderNames(headers), [
      'ratelimit',
      'ratelimit-policy',
      'x-rate-limit-limit',
      'x-ratelimit-remaining',
    ]);
  });
});
