import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseList } from 'structured-headers';
import type { LimitOutcome } from '../core/limit.ts';
import { rateLimitHeaders, retryAfterSeconds } from './rate-limit-headers.ts';

const outcome = (id: string, key: string, remaining: number, resetMs: number): LimitOutcome => ({
  spec: { id, algorithm: 'gcra', limit: 100, windowMs: 60_000, burst: 100 },
  key,
  allowed: true,
  remaining,
  resetMs,
  retryAfterMs: 0,
});

describe('rateLimitHeaders', () => {
  it('writes draft-11 lists an RFC 8941 parser reads, with an 8-byte partition key', () => {
    const h = rateLimitHeaders([
      outcome('a/per-ip', 'a/per-ip:1.2.3.4', 99.6, 1500),
      outcome('a/"x"', 'k', 0, 0),
    ]);
    const policy = parseList(h['ratelimit-policy'] ?? '');
    const current = parseList(h.ratelimit ?? '');
    assert.equal(policy.length, 2);
    const [name, params] = policy[0] as [string, Map<string, unknown>];
    assert.equal(name, 'a/per-ip');
    assert.equal(params.get('q'), 100);
    assert.equal(params.get('w'), 60);
    const pk = new Uint8Array(params.get('pk') as ArrayBuffer);
    assert.equal(pk.length, 8);
    const [, now] = current[0] as [string, Map<string, unknown>];
    assert.equal(now.get('r'), 99);
    assert.equal(now.get('t'), 2);
    assert.deepEqual(new Uint8Array(now.get('pk') as ArrayBuffer), pk);
    assert.equal((current[1] as [string, unknown])[0], 'a/"x"');
  });

  it('gives different partitions different keys and the same partition the same key', () => {
    const pk = (key: string) =>
      /pk=(:[^:]+:)/.exec(rateLimitHeaders([outcome('p', key, 1, 1)]).ratelimit ?? '')?.[1];
    assert.equal(pk('p:1.2.3.4'), pk('p:1.2.3.4'));
    assert.notEqual(pk('p:1.2.3.4'), pk('p:1.2.3.5'));
  });

  it('caps every number at the 15 digits of an sf-integer, so a huge limit still parses', () => {
    const huge: LimitOutcome = {
      spec: { id: 'huge', algorithm: 'gcra', limit: 9_007_199_254_740_991, windowMs: 8e18, burst: 1 },
      key: 'k',
      allowed: true,
      remaining: 9_007_199_254_740_991,
      resetMs: 8e18,
      retryAfterMs: 0,
    };
    const h = rateLimitHeaders([huge]);
    const [, policy] = parseList(h['ratelimit-policy'] ?? '')[0] as [string, Map<string, unknown>];
    const [, current] = parseList(h.ratelimit ?? '')[0] as [string, Map<string, unknown>];
    for (const value of [policy.get('q'), policy.get('w'), current.get('r'), current.get('t')]) {
      assert.equal(value, 999_999_999_999_999);
    }
  });

  it('sends nothing for a route without limits', () => {
    assert.deepEqual(rateLimitHeaders([]), {});
  });
});

describe('retryAfterSeconds', () => {
  it('rounds up, and never says 0', () => {
    assert.equal(retryAfterSeconds(1001), '2');
    assert.equal(retryAfterSeconds(0), '1');
  });
});
