import type { Decision, DecisionReason } from './decision.ts';
import type { BatchOutcome, LimitOutcome } from './limit.ts';

/**
 * Turns a store's all-or-nothing batch outcome into a Decision.
 * When denied, the deciding limit is the one that asks the caller to wait longest (so a
 * retry at Retry-After passes every limit that denied). When allowed, it is the limit with
 * the fewest units left: the one a client should watch.
 */
export function decisionFromBatch(batch: BatchOutcome): Decision {
  const { outcomes } = batch;
  let decider: LimitOutcome | undefined;
  if (!batch.allowed) {
    for (const o of outcomes) {
      if (!o.allowed && (decider === undefined || o.retryAfterMs > decider.retryAfterMs)) decider = o;
    }
  } else {
    for (const o of outcomes) {
      if (decider === undefined || o.remaining < decider.remaining) decider = o;
    }
  }
  if (decider === undefined) {
    return batch.allowed
      ? ALLOW_UNLIMITED
      : denyDecision('quota-exceeded', 'denied by a limit without outcome');
  }
  return {
    action: batch.allowed ? 'allow' : 'deny',
    reason: batch.allowed ? 'ok' : 'quota-exceeded',
    policy: decider.spec,
    limit: decider.spec.limit,
    remaining: decider.remaining,
    resetMs: decider.resetMs,
    retryAfterMs: decider.retryAfterMs,
    outcomes,
  };
}

/** A request no limit applies to. */
export const ALLOW_UNLIMITED: Decision = Object.freeze({
  action: 'allow',
  reason: 'ok',
  policy: undefined,
  limit: Infinity,
  remaining: Infinity,
  resetMs: 0,
  retryAfterMs: 0,
  outcomes: [],
});

/** A denial that no limit made: authentication, authorization, a malformed request. */
export function denyDecision(reason: Exclude<DecisionReason, 'ok'>, detail: string): Decision {
  return {
    action: 'deny',
    reason,
    policy: undefined,
    limit: 0,
    remaining: 0,
    resetMs: 0,
    retryAfterMs: 0,
    outcomes: [],
    detail,
  };
}
