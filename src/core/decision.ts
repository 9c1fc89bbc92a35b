import type { LimitOutcome, LimitSpec } from './limit.ts';

/**
 * Why a request was allowed or denied. The deny reasons map one-to-one onto the HTTP
 * answers the gateway gives (see src/gateway/problem.ts).
 */
export const DECISION_REASONS = [
  'ok',
  'quota-exceeded',
  'abnormal-usage-detected',
  'blocked',
  'unauthenticated',
  'forbidden',
  'batch-too-large',
  'bad-request',
  'no-route',
  'store-unavailable',
] as const;
export type DecisionReason = (typeof DECISION_REASONS)[number];

/** A decision is data, not an exception (DESIGN.md, convention 2). */
export interface Decision {
  readonly action: 'allow' | 'deny';
  readonly reason: DecisionReason;
  /** The limit that decided: the one that denied, or the tightest one when allowed. */
  readonly policy: LimitSpec | undefined;
  /** That limit's quota per window. */
  readonly limit: number;
  readonly remaining: number;
  readonly resetMs: number;
  readonly retryAfterMs: number;
  /** Every limit's outcome, in the route's order, for headers and events. */
  readonly outcomes: readonly LimitOutcome[];
  /** A human-readable detail for the problem+json body and the log. */
  readonly detail?: string;
}
