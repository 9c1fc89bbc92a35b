import type { Step } from './limit.ts';

/**
 * Fixed window: a counter per aligned window [k×W, (k+1)×W). The cheapest algorithm, with a
 * known weakness: a client can spend a whole quota at the end of one window and another at
 * the start of the next, so up to 2 × limit can pass in a short span around a boundary.
 * State: s0 = window start, s1 = units spent in it.
 */
export const fixedWindowStep: Step = (spec, fresh, s0, s1, _s2, cost, now, out) => {
  const w = spec.windowMs;
  const start = Math.floor(now / w) * w;
  // A stored window ahead of ours means our clock stepped back: keep counting in it.
  const current = !fresh && s0 >= start;
  const windowStart = current ? s0 : start;
  const spent = current ? s1 : 0;
  const end = windowStart + w;
  out.resetMs = end - now;
  out.s0 = windowStart;
  out.s2 = 0;
  out.expiresAt = end;
  if (spent + cost <= spec.limit) {
    out.allowed = true;
    out.remaining = spec.limit - spent - cost;
    out.retryAfterMs = 0;
    out.s1 = spent + cost;
  } else {
    out.allowed = false;
    out.remaining = Math.max(0, spec.limit - spent);
    out.retryAfterMs = cost > spec.limit ? w : end - now;
    out.s1 = spent;
  }
};
