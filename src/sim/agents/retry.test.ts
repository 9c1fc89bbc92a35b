import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AgentResponse } from '../agent.ts';
import { retryDelayMs } from './retry.ts';

function refusal(retryAfter?: string): AgentResponse {
  return {
    status: 429,
    headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter },
    body: undefined,
  };
}

describe('retryDelayMs', () => {
  it('waits the Retry-After seconds, else the fallback', () => {
    assert.equal(retryDelayMs(refusal('30'), 5), 30_000);
    assert.equal(retryDelayMs(refusal(), 5), 5);
    assert.equal(retryDelayMs(refusal('Wed, 21 Oct 2026 07:28:00 GMT'), 5), 5);
  });

  it('keeps a Retry-After of hundreds of digits finite (ten years at most)', () => {
    const wait = retryDelayMs(refusal('9'.repeat(400)), 5);
    assert.ok(Number.isFinite(wait));
    assert.equal(wait, 10 * 365 * 86_400_000);
  });
});
