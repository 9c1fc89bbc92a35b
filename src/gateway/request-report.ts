import type { ProblemCode } from '../pipeline/problem-codes.ts';
import type { Caller } from '../pipeline/types.ts';

/**
 * How one request through the gateway ended, reported once after its response went out
 * (`GatewayOptions.onReport`): what metrics count. It holds no identity, address, header or
 * target: only the route id and bounded vocabularies.
 */
export interface RequestReport {
  /** The matched route's id; undefined when no route matched or the request failed before matching. */
  readonly route: string | undefined;
  /**
   * `allowed`: forwarded and the upstream's response sent (or an upstream error in its place);
   * `denied`: refused before anything was forwarded; `withheld`: forwarded, but the response
   * was replaced after the upstream gave it (the response itself revealed a scan, it would pass
   * an egress quota, or it could not be checked).
   */
  readonly outcome: 'allowed' | 'denied' | 'withheld';
  /** `ok` when allowed; else the decision reason or the problem code sent (a fixed set). */
  readonly reason: string;
  readonly status: number;
  /** Set when the gateway answered 502/504 for the upstream instead of its response. */
  readonly upstreamError?: 'upstream-failed' | 'upstream-timeout';
  /**
   * The caller of a refused or withheld request, when admission identified it: for the event
   * stream, which names it by a digest tag and a network prefix. In-process only: it holds the
   * identity's id and the address, so it is never logged and never a metric label.
   */
  readonly caller?: Caller | undefined;
}

/** What the gateway sent for an admitted request: the status, and the problem sent in place of the upstream's response, if any. */
export interface SentResponse {
  readonly status: number;
  readonly problem?: ProblemCode | undefined;
}

/** The report of an admitted request, from what was sent for it. */
export function reportOf(route: string | undefined, sent: SentResponse, caller?: Caller): RequestReport {
  const { status, problem } = sent;
  if (problem === undefined) return { route, outcome: 'allowed', reason: 'ok', status };
  if (problem === 'upstream-failed' || problem === 'upstream-timeout') {
    return { route, outcome: 'allowed', reason: 'ok', status, upstreamError: problem };
  }
  // A streamed body that outgrew bodyLimit is refused, not a response withheld.
  const who = caller === undefined ? {} : { caller };
  if (problem === 'body-too-large') return { route, outcome: 'denied', reason: problem, status, ...who };
  return { route, outcome: 'withheld', reason: problem, status, ...who };
}
