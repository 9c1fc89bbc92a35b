/** Inline policies shared by the integration tests. Keys: "test-key-full", "test-key-noscope". */
export const FULL_KEY = 'test-key-full';
export const NOSCOPE_KEY = 'test-key-noscope';

/** The server's timeouts, as policy durations ("300ms", "10s"). */
export interface LookupTimeouts {
  readonly headersTimeout?: string;
  readonly requestTimeout?: string;
  readonly upstreamTimeout?: string;
}

/**
 * Generous by default (10 s, 30 s, 10 s): on a loaded machine a request may wait hundreds of
 * milliseconds for a core, and a test that is not about a timeout must not hit one. A test
 * about a timeout sets it short and makes it fire by a condition (an upstream that never
 * answers, a client that never finishes its headers), not by racing the clock.
 */
export function lookupPolicy(upstream: string, timeouts: LookupTimeouts = {}): string {
  const { headersTimeout = '10s', requestTimeout = '30s', upstreamTimeout = '10s' } = timeouts;
  return `
version: 1
upstream: ${upstream}
server:
  bodyLimit: 64kb
  headersTimeout: ${headersTimeout}
  requestTimeout: ${requestTimeout}
  upstreamTimeout: ${upstreamTimeout}
identities:
  apiKeys:
    keys:
      - id: full
        sha256: ffb4ab2864c006ed9a870db6c3cea7c45ae6a6d91a05195fc4b45b2523fd0e6e
        scopes: [contacts:discover, profile:read]
      - id: noscope
        sha256: 5906ff88fe9ce56b9ca72d2edd068f11cdbb8a4de66fbf4cc8636e54fd52d793
        scopes: []
routes:
  - id: discover
    match: { method: POST, path: /v1/contacts/discover }
    scopes: [contacts:discover]
    rateLimitHeaders: false
    batch: { pointer: /numbers, max: 5 }
    limits:
      - id: per-identity
        key: identity
        rate: 10/1m
        cost: /numbers
  - id: strict-batch
    match: { method: POST, path: /v1/strict }
    batch: { pointer: /numbers, max: 2, status: 400 }
  - id: photo
    match: { method: GET, path: /v1/accounts/:id/photo }
    scopes: [profile:read]
    limits:
      - id: per-identity
        key: identity
        rate: 3/1m
      - id: per-ip
        key: ip
        rate: 100/1m
        algorithm: sliding-window
  - id: upload
    match: { method: PUT, path: /v1/upload }
    auth: none
  - id: health
    match: { method: GET, path: /healthz }
    auth: none
`;
}
