import type { AgentResponse } from '../agent.ts';

/**
 * Deferred reveals. A gateway that has spent a caller's reveal budget may hold back some
 * registered contacts of a lookup answer; it then adds `enumguard-deferred: <seconds>` to the
 * 200 answer: "numbers you asked about may have been held back; ask again for those that were
 * not found after this many seconds". A legit client re-asks, in rounds, while the header
 * keeps coming, at most MAX_DEFERRED_ROUNDS times.
 */
export const DEFERRED_HEADER = 'enumguard-deferred';
export const MAX_DEFERRED_ROUNDS = 30;
/** The longest deferral honoured, like Retry-After's cap: past it is "not in this run". */
const MAX_DEFERRED_S = 10 * 365 * 86_400;

/** The wait the answer asks for before re-asking, ms, or undefined when it defers nothing. */
export function deferredDelayMs(response: AgentResponse): number | undefined {
  const value = response.headers[DEFERRED_HEADER];
  if (value === undefined || !/^\d+(\.\d+)?$/.test(value.trim())) return undefined;
  return Math.min(Number(value.trim()), MAX_DEFERRED_S) * 1000;
}
