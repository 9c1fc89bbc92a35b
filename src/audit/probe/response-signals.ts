/**
 * The signals of being slowed that an HTTP answer carries in its status and headers.
 */

/**
 * Retry-After in milliseconds from `nowMs`, or undefined when absent or malformed.
 * RFC 9110 section 10.2.3: either delay-seconds (a non-negative integer) or an HTTP-date.
 */
export function retryAfterMs(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  // An HTTP-date names a weekday and "GMT" (RFC 9110 section 5.6.7); bare numbers were handled above.
  if (Number.isNaN(at) || !/GMT$/i.test(text)) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * Quota headers present on an answer: the standard draft's RateLimit and RateLimit-Policy
 * (draft-ietf-httpapi-ratelimit-headers-11) and the older RateLimit-Limit/-Remaining/-Reset and
 * X-RateLimit-* spellings. Names only, lower-case and sorted.
 */
export function rateLimitHeaderNames(headers: Headers): string[] {
  const names: string[] = [];
  headers.forEach((_value, name) => {
    const n = name.toLowerCase();
    if (/^(x-)?rate-?limit(-|$)/.test(n)) names.push(n);
  });
  return names.sort();
}

/** Statuses that mean "slow down" or "not you": RFC 6585 section 4 (429), RFC 9110 (403, 503). */
export const SLOWING_STATUSES: ReadonlySet<number> = new Set([429, 403, 503]);
