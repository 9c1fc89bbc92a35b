import type { Clock } from '../../core/clock.ts';
import { denyDecision } from '../../core/decide.ts';
import type { LimitOutcome, LimitSpec } from '../../core/limit.ts';
import { addressKey } from '../../identity/cidr.ts';
import { problemResponse } from '../problem.ts';
import { retryAfterSeconds } from '../rate-limit-headers.ts';
import type { Store } from '../../stores/store.ts';
import type { Admission } from '../types.ts';
import { refuse, type RequestState } from './request-state.ts';

/** Addresses held in one instance's penalty box at most; past it the oldest entry goes. */
export const PENALTY_BOX_SIZE = 10_000;

const DETAIL = 'too many failed authentications from this address; retry later';

/**
 * Throttles failed authentication per client address (issue 13 item 6): verifying a junk
 * credential costs real CPU (an RS256 signature most), so an address that used up its
 * `identities.failedAuth` limit is refused with 429 before its credentials are looked at.
 *
 * Failures are charged to the store (key `failed-auth:<address key>`, an IPv6 client by its
 * /64), shared by every instance; only failed requests pay that second store call. The check
 * before verification must cost nothing, so it reads an in-process table of addresses whose
 * bucket is empty, until their next unit is due. Another instance learns of an exhausted
 * address at its own next failure from it (which the store then denies), so each instance
 * verifies at most about one more credential per address and period. A policy reload starts
 * an empty table; the store's counts stay.
 */
export interface FailedAuthGuard {
  /** A 429 for a client address in the penalty box; undefined to go on and verify. */
  refusal(s: RequestState): Admission | undefined;
  /**
   * Charges one failure to the client's address. Answers a 429 instead of `unauthenticated`
   * when the store says the address is over its limit already.
   */
  failed(s: RequestState, unauthenticated: Admission): Admission | Promise<Admission>;
}

export function createFailedAuthGuard(spec: LimitSpec, store: Store, clock: Clock): FailedAuthGuard {
  const box = new Map<string, number>();
  const interval = spec.windowMs / spec.limit;

  function hold(address: string, until: number): void {
    box.delete(address);
    if (box.size >= PENALTY_BOX_SIZE) evict(box, clock.now());
    box.set(address, until);
  }

  function settle(s: RequestState, address: string, o: LimitOutcome, unauthenticated: Admission): Admission {
    const now = clock.now();
    if (!o.allowed) {
      hold(address, now + o.retryAfterMs);
      return tooMany(s, o.retryAfterMs);
    }
    // GCRA: the bucket is empty when less than one unit is left; the next is due when the
    // theoretical arrival time (now + resetMs) is within burst − 1 units of now.
    if (o.remaining === 0) hold(address, now + Math.max(0, o.resetMs - (spec.burst - 1) * interval));
    return unauthenticated;
  }

  return {
    refusal(s) {
      if (box.size === 0) return undefined;
      const address = addressKey(s.caller.ip);
      const until = box.get(address);
      if (until === undefined) return undefined;
      const waitMs = until - clock.now();
      if (waitMs > 0) return tooMany(s, waitMs);
      box.delete(address);
      return undefined;
    },
    failed(s, unauthenticated) {
      const address = addressKey(s.caller.ip);
      const check = { spec, key: `failed-auth:${address}`, cost: 1 };
      const onOutcome = (outcomes: readonly LimitOutcome[]): Admission => {
        const o = outcomes[0];
        return o === undefined ? unauthenticated : settle(s, address, o, unauthenticated);
      };
      // Counting is best effort: a store that cannot answer leaves the 401 as it is.
      try {
        const answer = store.consume([check], undefined, { unavailable: s.route.storeUnavailable });
        if (!(answer instanceof Promise)) return onOutcome(answer.outcomes);
        return answer.then(
          (a) => onOutcome(a.outcomes),
          () => unauthenticated,
        );
      } catch {
        return unauthenticated;
      }
    },
  };
}

/** Drops the entries whose time is up; if none is, the oldest (Map keeps insertion order). */
function evict(box: Map<string, number>, now: number): void {
  for (const [address, until] of box) if (until <= now) box.delete(address);
  if (box.size < PENALTY_BOX_SIZE) return;
  const oldest = box.keys().next();
  if (oldest.done !== true) box.delete(oldest.value);
}

function tooMany(s: RequestState, waitMs: number): Admission {
  const decision = { ...denyDecision('quota-exceeded', DETAIL), retryAfterMs: waitMs, resetMs: waitMs };
  // RFC 6585 section 4 (429) with RFC 9110 section 10.2.3's Retry-After.
  const response = problemResponse('quota-exceeded', DETAIL, {
    headers: { 'retry-after': retryAfterSeconds(waitMs) },
  });
  return refuse(s.route, s.caller, decision, response);
}
