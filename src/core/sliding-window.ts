import type { Step } from './limit.ts';

/**
 * Sliding-window counter: the fixed window's counter plus the previous window's, weighted
 * by how much of the previous window the sliding window still overlaps:
 *
 *   estimate = previous × (1 − elapsed/W) + current
 *
 * It assumes the previous window's requests were spread evenly, so it smooths the fixed
 * window's boundary burst at the cost of three numbers of state:
 * s0 = current window start, s1 = previous window's units, s2 = current window's units.
 */
export const slidingWindowStep: Step = (spec, fresh, s0, s1, s2, cost, now, out) => {
  const w = spec.windowMs;
  const limit = spec.limit;
  let start = Math.floor(now / w) * w;
  let previous = 0;
  let current = 0;
  if (!fresh) {
    if (s0 >= start) {
      // Same window, or our clock stepped back behind the stored one: keep its counts.
      start = s0;
      previous = s1;
      current = s2;
    } else if (s0 === start - w) {
      previous = s2;
    }
  }
  const elapsed = Math.min(1, Math.max(0, (now - start) / w));
  const weight = 1 - elapsed;
  const estimate = previous * weight + current;
  out.s0 = start;
  out.s1 = previous;
  if (estimate + cost <= limit + 1e-9) {
    out.allowed = true;
    out.remaining = Math.max(0, Math.floor(limit - estimate - cost + 1e-9));
    out.retryAfterMs = 0;
    out.s2 = current + cost;
  } else {
    out.allowed = false;
    out.remaining = Math.max(0, Math.floor(limit - estimate + 1e-9));
    out.retryAfterMs = retryAfter(w, limit, start, previous, current, cost, now);
    out.s2 = current;
  }
  // Everything counted so far has decayed away once the next window has fully passed.
  const last = out.s2 > 0 ? start + 2 * w : start + w;
  out.resetMs = Math.max(0, last - now);
  out.expiresAt = last;
};

/** The earliest time the same cost fits, if nothing else is spent meanwhile. */
function retryAfter(
  w: number,
  limit: number,
  start: number,
  previous: number,
  current: number,
  cost: number,
  now: number,
): number {
  if (cost > limit) return w;
  if (current + cost <= limit && previous > 0) {
    // Still in this window: wait until previous × (1 − f) + current + cost <= limit.
    const f = 1 - (limit - current - cost) / previous;
    return Math.max(1, Math.ceil(start + f * w - now));
  }
  // Next window: current becomes the previous window's count.
  const f = current > 0 ? Math.max(0, 1 - (limit - cost) / current) : 0;
  return Math.max(1, Math.ceil(start + w + f * w - now));
}
