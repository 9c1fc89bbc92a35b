/**
 * The policy `enumguard init` writes: small, commented, valid as written (a test runs `check`
 * on it), and safe by default for a lookup API: unmatched requests refused, new targets
 * charged per client address, capacity not revealed.
 */
export const STARTER_POLICY = `# A starter enumguard policy, written by \`enumguard init\`. Check it with
#   npx enumguard check policy.yaml
# and run the gateway in front of your API with
#   npx enumguard gateway --config policy.yaml
# Every key is described in enumguard's policy reference, docs/policy.md in the package.
version: 1

# The API to protect; \`enumguard gateway --upstream URL\` overrides it.
upstream: http://127.0.0.1:3000

server:
  # Behind a load balancer, list its addresses so each client is keyed by its own address
  # (from X-Forwarded-For), not the balancer's:
  # trustedProxies: [10.0.0.0/8]
  bodyLimit: 256kb

identities:
  apiKeys:
    header: x-api-key
    # One entry per client; only the key's SHA-256 is stored. Print it with
    #   npx enumguard hash-key < key.txt
    # and add it here:  - { id: my-client, sha256: <64 hex digits>, scopes: [lookup] }
    keys: []

# Requests no route matches are refused (404 problem+json); "allow" forwards them unlimited.
unmatched: deny

routes:
  # An endpoint that answers "does this identifier exist?" for a batch: {"numbers": [...]}.
  - id: lookup
    match: { method: POST, path: /v1/lookup }
    auth: none # "required", with scopes: [lookup], once every client has an API key
    # Enumeration-sensitive: answers do not reveal the remaining capacity.
    rateLimitHeaders: false
    batch: { pointer: /numbers, max: 100 }
    limits:
      # Only identifiers this address never asked about are charged: asking again is free,
      # a scanner pays for every new one.
      - id: new-targets-per-ip
        key: ip
        rate: 1000/1d
        burst: 200
        distinct: /numbers
      - id: requests-per-ip
        key: ip
        rate: 60/1m
        algorithm: sliding-window

  - id: health
    match: { method: [GET, HEAD], path: /healthz }
    auth: none
`;
