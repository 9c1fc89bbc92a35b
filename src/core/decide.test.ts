import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ALLOW_UNLIMITED, decisionFromBatch, denyDecision } from './decide.ts';
import type { LimitOutcome, LimitSpec } from './limit.ts';

const spec = (id: string, limit: number): LimitSpec => ({
  id,
  algorithm: 'gcra',
  limit,
  windowMs: 60_000,
  burst: limit,
});
const outcome = (id: string, allowed: boolean, remaining: number, retryAfterMs: number): LimitOutcome => ({
  spec: spec(id, 100),
  key: id,
  allowed,
  remaining,
  resetMs: 1000,
  retryAfterMs,
});

describe('decisionFromBatch', () => {
  it('names the denying limit with the longest wait as the decider', () => {
    const d = decisionFromBatch({
      allowed: false,
      outcomes: [outcome('a', true, 5, 0), outcome('b', false, 0, 2000), outcome('c', false, 0, 9000)],
    });
    assert.equal(d.action, 'deny');
    assert.equal(d.reason, 'quota-exceeded');
    assert.equal(d.policy?.id, 'c');
    assert.equal(d.retryAfterMs, 9000);
    assert.equal(d.outcomes.length, 3);
  });

  it('names the limit with the fewest units left when allowed', () => {
    const d = decisionFromBatch({
      allowed: true,
      outcomes: [outcome('a', true, 5, 0), outcome('b', true, 2, 0)],
    });
    assert.equal(d.action, 'allow');
    assert.equal(d.policy?.id, 'b');
    assert.equal(d.remaining, 2);
  });

  it('allows without limit when the route has no limits', () => {
    assert.equal(decisionFromBatch({ allowed: true, outcomes: [] }), ALLOW_UNLIMITED);
  });
});

describe('denyDecision', () => {
  it('carries the reason and the detail', () => {
    const d = denyDecision('forbidden', 'missing scope contacts:discover');
    assert.equal(d.action, 'deny');
    assert.equal(d.reason, 'forbidden');
    assert.equal(d.detail, 'missing scope contacts:discover');
  });
});
