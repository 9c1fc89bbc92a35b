import type { BatchOutcome, LimitCheck } from '../core/limit.ts';

/**
 * The one contract every store implements: memory (the embedded default) and, later, Redis.
 *
 * `consume` checks every limit a request touches in one round trip and is all-or-nothing:
 * if any check denies, no check is charged. The store owns the time it decides with (the
 * memory store's injected Clock, Redis's TIME), so instances with skewed clocks agree.
 *
 * The memory store answers synchronously; callers must accept either a value or a promise,
 * which lets the in-process path avoid a promise per decision.
 */
export interface Store {
  readonly name: string;
  consume(checks: readonly LimitCheck[]): BatchOutcome | Promise<BatchOutcome>;
  /** Forgets every key (tests and admin resets). */
  clear(): void | Promise<void>;
  close(): Promise<void>;
}
