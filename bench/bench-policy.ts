import { createHash } from 'node:crypto';

/** The API key every benchmark client sends. */
export const BENCH_API_KEY = 'bench-key';

/**
 * The 4-limit route the gateway and adapter benchmarks share: identity, ip, ipv4/24 and
 * global limits, all too generous to deny, so every request pays for four checks.
 */
export function benchPolicy(upstream?: string): string {
  const sha = createHash('sha256').update(BENCH_API_KEY).digest('hex');
  return `version: 1
${upstream ? `upstream: ${upstream}\n` : ''}identities:
  apiKeys:
    keys:
      - { id: bench, sha256: ${sha}, scopes: [lookup] }
routes:
  - id: lookup
    match: { method: GET, path: /v1/lookup }
    scopes: [lookup]
    limits:
      - { id: per-identity, key: identity, rate: 1000000000/1s }
      - { id: per-ip, key: ip, rate: 1000000000/1s }
      - { id: per-subnet, key: ipv4/24, rate: 1000000000/1s }
      - { id: global, key: global, rate: 1000000000/1s }
`;
}
