import type { Step } from './limit.ts';

/**
 * GCRA, the Generic Cell Rate Algorithm (ITU-T I.371): a token bucket kept as one number,
 * the theoretical arrival time (TAT) at which the bucket would be full again.
 *
 *   T   = windowMs / limit   time to earn one unit
 *   tau = burst × T          the bucket's capacity, in time
 *
 * A request of cost n is allowed when max(TAT, now) + n×T − tau <= now, and then moves the
 * TAT forward by n×T. State: s0 = TAT. A key whose TAT is in the past is a full bucket, so
 * the key expires at its TAT.
 */
export const EPSILON_MS = 1e-6;

export const gcraStep: Step = (spec, fresh, s0, _s1, _s2, cost, now, out) => {
  const interval = spec.windowMs / spec.limit;
  const tau = spec.burst * interval;
  const tat = fresh || s0 < now ? now : s0;
  const newTat = tat + cost * interval;
  const allowAt = newTat - tau;
  if (allowAt <= now + EPSILON_MS) {
    out.allowed = true;
    out.remaining = Math.max(0, Math.floor((tau - (newTat - now)) / interval + EPSILON_MS));
    out.resetMs = newTat - now;
    out.retryAfterMs = 0;
    out.s0 = newTat;
    out.expiresAt = newTat;
  } else {
    out.allowed = false;
    out.remaining = Math.max(0, Math.floor((tau - (tat - now)) / interval + EPSILON_MS));
    out.resetMs = tat - now;
    // A cost above the burst never fits; a window from now is the honest "not soon".
    out.retryAfterMs = cost > spec.burst ? spec.windowMs : allowAt - now;
    out.s0 = tat;
    out.expiresAt = tat;
  }
  out.s1 = 0;
  out.s2 = 0;
};
