import { createHmac } from 'node:crypto';

/** The header every signed alert carries (docs/alerts.md tells receivers how to check it). */
export const SIGNATURE_HEADER = 'enumguard-signature';

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. The timestamp is inside the
 * MAC, so a receiver that refuses a `t` older than a few minutes refuses a replayed request,
 * and one that remembers the CloudEvents `id` it has seen refuses a replay within that window.
 * Signed again at each attempt: a retry carries a fresh `t`.
 */
export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  const t = Math.floor(unixSeconds);
  const mac = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${mac}`;
}
