import type { LimitOutcome } from '../core/limit.ts';

/**
 * RateLimit and RateLimit-Policy fields of draft-ietf-httpapi-ratelimit-headers-11, in
 * RFC 8941 structured-field syntax: each is a List of Items whose bare item is the policy
 * name (an sf-string), with parameters
 *   RateLimit-Policy: "discover/per-ip";q=20;w=60;pk=:NmQ0ZmE3Mzk=:
 *   RateLimit:        "discover/per-ip";r=19;t=3;pk=:NmQ0ZmE3Mzk=:
 * `q` quota, `w` window in seconds, `r` remaining units, `t` seconds until reset. `pk` is
 * the partition key as an sf-binary: an opaque 8-byte hash of the store key, so a client
 * can tell its partitions apart without learning how they are derived.
 */
export function rateLimitHeaders(outcomes: readonly LimitOutcome[]): Record<string, string> {
  if (outcomes.length === 0) return {};
  const policy: string[] = [];
  const current: string[] = [];
  for (const o of outcomes) {
    const name = sfString(o.spec.id);
    const pk = `:${partitionKey(o.key)}:`;
    policy.push(`${name};q=${o.spec.limit};w=${Math.max(1, Math.round(o.spec.windowMs / 1000))};pk=${pk}`);
    current.push(`${name};r=${Math.floor(o.remaining)};t=${Math.ceil(o.resetMs / 1000)};pk=${pk}`);
  }
  return { 'ratelimit-policy': policy.join(', '), ratelimit: current.join(', ') };
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

/**
 * Two 32-bit FNV-1a hashes with different offsets, as 8 bytes in base64 (RFC 8941
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
  const bytes = Buffer.allocUnsafe(8);
  bytes.writeUInt32BE(a >>> 0, 0);
  bytes.writeUInt32BE(b >>> 0, 4);
  return bytes.toString('base64');
}
