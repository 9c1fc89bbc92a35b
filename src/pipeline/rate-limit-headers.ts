import type { LimitOutcome, LimitSpec } from '../core/limit.ts';

/**
 * RateLimit and RateLimit-Policy fields of draft-ietf-httpapi-ratelimit-headers-11, in
 * RFC 8941 structured-field syntax. Draft -12 (20 November 2026) is out, but only its title
 * page could be read here, so -11 is the latest followed (README, docs/gateway.md). Each field
 * is a List of Items whose bare item is the policy name (an sf-string, -11 section 3), with
 * parameters
 *   RateLimit-Policy: "discover/per-ip";q=20;w=60;pk=:NmQ0ZmE3Mzk=:
 *   RateLimit:        "discover/per-ip";r=19;t=3;pk=:NmQ0ZmE3Mzk=:
 * `q` quota, `w` window in seconds, `r` remaining units, `t` seconds until reset. `pk` is
 * the partition key as an sf-binary: an opaque 8-byte hash of the store key, so a client
 * can tell its partitions apart without learning how they are derived.
 */
export function rateLimitHeaders(outcomes: readonly LimitOutcome[]): Record<string, string> {
  if (outcomes.length === 0) return {};
  let policy = '';
  let current = '';
  for (let i = 0; i < outcomes.length; i++) {
    const o = outcomes[i] as LimitOutcome;
    const names = namesFor(o.spec);
    const pk = partitionKey(o.key);
    const sep = i === 0 ? '' : ', ';
    policy += `${sep}${names.policy}${pk}:`;
    current += `${sep}${names.name};r=${sfInteger(Math.floor(o.remaining))};t=${sfInteger(Math.ceil(o.resetMs / 1000))};pk=:${pk}:`;
  }
  return { 'ratelimit-policy': policy, ratelimit: current };
}

/** The parts of both fields that depend only on the limit, built once per LimitSpec. */
const specNames = new WeakMap<LimitSpec, { name: string; policy: string }>();

function namesFor(spec: LimitSpec): { name: string; policy: string } {
  let names = specNames.get(spec);
  if (names === undefined) {
    const name = sfString(spec.id);
    // -11 section 3.1.3: w is a non-zero Integer of seconds.
    const w = Math.max(1, sfInteger(Math.round(spec.windowMs / 1000)));
    names = { name, policy: `${name};q=${sfInteger(spec.limit)};w=${w};pk=:` };
    specNames.set(spec, names);
  }
  return names;
}

/** RFC 8941 section 3.3.1: an sf-integer has at most 15 digits. */
const SF_INTEGER_MAX = 999_999_999_999_999;

/**
 * A non-negative sf-integer: q, w, r and t are all non-negative Integers (-11 sections 3.1.1,
 * 3.1.3, 4.1.1, 4.1.2). A policy may allow more than 15 digits, which would make the whole field
 * malformed (and ignored, section 7); capped, it still tells a client "more than it will use".
 */
function sfInteger(n: number): number {
  return Number.isFinite(n) ? Math.min(SF_INTEGER_MAX, Math.max(0, Math.floor(n))) : 0;
}

/** RFC 9110 section 10.2.3: delay-seconds, rounded up so a client never retries early. */
export function retryAfterSeconds(ms: number): string {
  return String(Math.max(1, Math.ceil(ms / 1000)));
}

/** RFC 8941 section 3.3.3: printable ASCII, with `"` and `\` escaped. */
function sfString(text: string): string {
  let out = '"';
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    if (c < 0x20 || c > 0x7e) out += '?';
    else if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else out += ch;
  }
  return `${out}"`;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Two 32-bit FNV-1a hashes with different offsets: 8 bytes, in base64 (RFC 8941
 * section 3.3.5 sf-binary). Opaque and stable; not a security boundary.
 */
function partitionKey(key: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193);
  }
  // 64 bits as 3 + 3 + 2 bytes: 4 + 4 + 3 base64 digits and one "=" of padding.
  const w0 = a >>> 8;
  const w1 = ((a & 0xff) << 16) | (b >>> 16);
  const w2 = (b & 0xffff) << 2;
  return (
    B64[(w0 >>> 18) & 63]! +
    B64[(w0 >>> 12) & 63]! +
    B64[(w0 >>> 6) & 63]! +
    B64[w0 & 63]! +
    B64[(w1 >>> 18) & 63]! +
    B64[(w1 >>> 12) & 63]! +
    B64[(w1 >>> 6) & 63]! +
    B64[w1 & 63]! +
    B64[(w2 >>> 12) & 63]! +
    B64[(w2 >>> 6) & 63]! +
    B64[w2 & 63]! +
    '='
  );
}
