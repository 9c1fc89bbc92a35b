import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isEnumguardError } from '../core/errors.ts';
import { PolicyError } from './issues.ts';
import { loadPolicy } from './load.ts';

/**
 * Every invalid policy case has a fixture in test/fixtures/policies and its exact, full
 * message here: the message is the product for someone fixing a policy at 3 a.m.
 */
const DIR = join(import.meta.dirname, '../../test/fixtures/policies');

const EXPECTED: Record<string, string> = {
  'invalid-admin-listen-hostname.yaml':
    'invalid-admin-listen-hostname.yaml:4 server.admin.listen: expected an IPv4 address, "localhost" or a bracketed IPv6 address as the host, got "admin.internal"',
  'invalid-admin-hosts-url.yaml':
    'invalid-admin-hosts-url.yaml:4 server.admin.hosts: expected a host name with an optional port like "admin.example.com:8443" (no scheme, no path), got "https://admin.example.com"',
  'invalid-admin-max-streams.yaml':
    'invalid-admin-max-streams.yaml:4 server.admin.maxStreams: expected a whole number of live event streams from 1 to 1024, got 0',
  'invalid-admin-token-env.yaml':
    'invalid-admin-token-env.yaml:4 server.admin.tokenEnv: expected an environment variable name like "ENUMGUARD_ADMIN_TOKEN", got "ADMIN TOKEN"',
  'invalid-admin-unknown-key.yaml':
    'invalid-admin-unknown-key.yaml:4 server.admin.token: unknown key "token"; expected one of listen, tokenEnv, maxStreams, hosts',
  'invalid-alerts-bad-url.yaml':
    'invalid-alerts-bad-url.yaml:8 alerts.webhooks[0].url: expected an http:// or https:// URL, got "ftp://hooks.example.com/a"',
  'invalid-alerts-duplicate-id.yaml':
    'invalid-alerts-duplicate-id.yaml:9 alerts.webhooks[1].id: duplicate webhook id "chat", also used by webhooks[0]',
  'invalid-alerts-pagerduty-no-routing-key.yaml':
    'invalid-alerts-pagerduty-no-routing-key.yaml:8 alerts.webhooks[0].routingKeyEnv: format pagerduty needs routingKeyEnv, the integration key of the service to page',
  'invalid-alerts-redis-stream-without-redis.yaml':
    "invalid-alerts-redis-stream-without-redis.yaml:7 alerts.redisStream: redisStream needs server.store redis or cluster: the stream is written on the store's Redis",
  'invalid-alerts-routing-key-not-pagerduty.yaml':
    'invalid-alerts-routing-key-not-pagerduty.yaml:11 alerts.webhooks[0].routingKeyEnv: routingKeyEnv is for format pagerduty, not slack',
  'invalid-alerts-secret-env-unset.yaml':
    'invalid-alerts-secret-env-unset.yaml:10 alerts.webhooks[0].secretEnv: environment variable ENUMGUARD_FIXTURE_UNSET_SECRET is not set',
  'invalid-alerts-secret-in-policy.yaml':
    'invalid-alerts-secret-in-policy.yaml:10 alerts.webhooks[0].secret: secrets are not allowed in the policy; name an environment variable in secretEnv',
  'invalid-alerts-timeout-too-long.yaml':
    'invalid-alerts-timeout-too-long.yaml:8 alerts.webhooks[0].timeout: expected from 100ms to 60s, got "10m"',
  'invalid-alerts-unknown-event.yaml':
    'invalid-alerts-unknown-event.yaml:11 alerts.webhooks[0].events[1]: expected one of "refusal", "finding", "risk-level", "block-started", "block-lifted", "policy-reloaded", "policy-rejected", "store-fallback", "store-recovered", "population-surge", "admin-action", got "refusals"',
  'invalid-alerts-unsigned-cloudevents.yaml':
    'invalid-alerts-unsigned-cloudevents.yaml:8 alerts.webhooks[0].secretEnv: format cloudevents needs secretEnv: receivers check the signature to tell our alerts from forged ones',
  'invalid-alerts-update-after-window.yaml':
    'invalid-alerts-update-after-window.yaml:7 alerts.incidents.updateEvery: updateEvery (300000 ms) must not be longer than window (60000 ms): an incident would resolve before its first update',
  'invalid-alerts-url-and-url-env.yaml':
    'invalid-alerts-url-and-url-env.yaml:8 alerts.webhooks[0]: set exactly one of url or urlEnv, got url and urlEnv',
  'invalid-alg-none.yaml':
    'invalid-alg-none.yaml:4 identities.jwt.algorithms[1]: alg "none" is refused: unsigned tokens would let any caller choose its identity (RFC 8725 §3.1)',
  'invalid-auth-without-identities.yaml':
    'invalid-auth-without-identities.yaml:3 routes[0].auth: auth "required" needs identities.apiKeys or identities.jwt (or set auth: none)',
  'invalid-bad-algorithm.yaml':
    'invalid-bad-algorithm.yaml:9 routes[0].limits[0].algorithm: expected one of "gcra", "sliding-window", "fixed-window", got "token-bucket"',
  'invalid-bad-cidr.yaml': [
    'invalid-bad-cidr.yaml:5 server.trustedProxies[1]: expected an IPv4 prefix length 0-32 in "10.0.0.0/40"',
    'invalid-bad-cidr.yaml:6 server.trustedProxies[2]: expected an IP address or CIDR like "10.0.0.0/8" or "::1/128", got "proxy.internal"',
  ].join('\n'),
  'invalid-bad-duration.yaml':
    'invalid-bad-duration.yaml:3 server.headersTimeout: expected a duration like "10s", "5 m" or "1h", got "10 fortnights"',
  'invalid-bad-key-kind.yaml':
    'invalid-bad-key-kind.yaml:7 routes[0].limits[0].key: expected "identity", "ip", "route", "global", "account", "ipv4/<0-32>", "ipv6/<0-128>", { ip: { v4, v6 } }, { header: name } or { claim: name }, got "user"',
  'invalid-bad-method.yaml':
    'invalid-bad-method.yaml:4 routes[0].match.method[1]: expected a method like "GET", got "PO ST"',
  'invalid-bad-pem.yaml':
    'invalid-bad-pem.yaml:5 identities.jwt.publicKey: expected a PEM public key starting with "-----BEGIN PUBLIC KEY-----"',
  'invalid-bad-pointer.yaml':
    'invalid-bad-pointer.yaml:9 routes[0].limits[0].cost: invalid JSON pointer "/numbers~2": "~" must be followed by "0" or "1" (RFC 6901)',
  'invalid-bad-rate.yaml':
    'invalid-bad-rate.yaml:8 routes[0].limits[0].rate: expected "<n>/<duration>" like "1000/1h", got "abc"',
  'invalid-bad-sha256.yaml':
    'invalid-bad-sha256.yaml:6 identities.apiKeys.keys[0].sha256: expected 64 lower-case hex digits, the SHA-256 of the key (echo -n KEY | sha256sum), got 64 characters',
  'invalid-bad-size.yaml':
    'invalid-bad-size.yaml:3 server.bodyLimit: expected a size like "512b", "256kb" or "1mb", got "lots"',
  'invalid-bad-store-unavailable.yaml':
    'invalid-bad-store-unavailable.yaml:6 routes[0].storeUnavailable: expected one of "deny", "allow", "local", got "open"',
  'invalid-bad-unmatched.yaml':
    'invalid-bad-unmatched.yaml:2 unmatched: expected one of "deny", "allow", got "maybe"',
  'invalid-bad-upstream.yaml':
    'invalid-bad-upstream.yaml:2 upstream: expected an http:// or https:// URL, got "ftp://files.example.com"',
  'invalid-batch-max-zero.yaml':
    'invalid-batch-max-zero.yaml:6 routes[0].batch.max: expected a positive integer, got 0',
  'invalid-batch-pointer-no-slash.yaml':
    'invalid-batch-pointer-no-slash.yaml:6 routes[0].batch.pointer: expected a JSON pointer like "/numbers" (RFC 6901), got "numbers"',
  'invalid-batch-status.yaml':
    'invalid-batch-status.yaml:9 routes[0].batch.status: expected 413 or 400, got 429',
  'invalid-burst-zero.yaml':
    'invalid-burst-zero.yaml:9 routes[0].limits[0].burst: expected a positive integer, got 0',
  'invalid-canaries-no-source.yaml':
    'invalid-canaries-no-source.yaml:9 routes[0].detect.canaries: canaries need numbers (E.164 numbers no one holds), generate (from a secret) or both',
  'invalid-canary-count.yaml':
    'invalid-canary-count.yaml:11 routes[0].detect.canaries.generate.count: expected at most 2230, the numbers the reserved canary ranges hold, got 5000',
  'invalid-canary-not-e164.yaml': [
    'invalid-canary-not-e164.yaml:13 routes[0].detect.canaries.numbers[1]: expected a phone number in E.164 form like "+61491570006", got "0491 570 110"',
    'invalid-canary-not-e164.yaml:14 routes[0].detect.canaries.numbers[2]: "+6149157" is not a valid phone number (libphonenumber-js)',
  ].join('\n'),
  'invalid-canary-secret-env-unset.yaml':
    'invalid-canary-secret-env-unset.yaml:11 routes[0].detect.canaries.generate.secretEnv: environment variable ENUMGUARD_FIXTURE_UNSET_SECRET is not set',
  'invalid-canary-short-secret.yaml':
    'invalid-canary-short-secret.yaml:11 routes[0].detect.canaries.generate.secret: expected a secret of at least 16 characters, got 9',
  'invalid-canary-two-secrets.yaml':
    'invalid-canary-two-secrets.yaml:11 routes[0].detect.canaries.generate: set exactly one of secret or secretEnv, got secret and secretEnv',
  'invalid-claim-key-without-jwt.yaml':
    'invalid-claim-key-without-jwt.yaml:9 routes[0].limits[0].key: key "claim-tenant" needs identities.jwt',
  'invalid-cleartext-key.yaml': [
    'invalid-cleartext-key.yaml:5 identities.apiKeys.keys[0].sha256: is required',
    'invalid-cleartext-key.yaml:6 identities.apiKeys.keys[0].key: cleartext API keys are not allowed in the policy; store sha256 instead, computed with: echo -n KEY | sha256sum',
  ].join('\n'),
  'invalid-detect-empty.yaml':
    'invalid-detect-empty.yaml:8 routes[0].detect: expected at least one of hitRatio, canaries, rangeDensity',
  'invalid-detect-without-risk.yaml':
    'invalid-detect-without-risk.yaml:7 routes[0].detect: detect needs a risk section: signals add to a risk score',
  'invalid-detect-without-targets.yaml':
    "invalid-detect-without-targets.yaml:9 routes[0].detect: detect needs the request's targets: set targets, a distinct limit or batch",
  'invalid-distinct-bad-pointer.yaml':
    'invalid-distinct-bad-pointer.yaml:10 routes[0].limits[0].distinct: expected a JSON pointer like "/numbers" (RFC 6901), got "numbers"',
  'invalid-failed-auth-rate.yaml':
    'invalid-failed-auth-rate.yaml:4 identities.failedAuth.rate: expected "<n>/<duration>" like "1000/1h", got "20 per minute"',
  'invalid-failed-auth-true.yaml':
    'invalid-failed-auth-true.yaml:3 identities.failedAuth: expected false or { rate, burst }, got true',
  'invalid-distinct-with-cost.yaml':
    'invalid-distinct-with-cost.yaml:11 routes[0].limits[0].distinct: distinct and cost are mutually exclusive: a distinct limit costs the targets at its pointer never queried before; remove cost',
  'invalid-duplicate-api-key-id.yaml':
    'invalid-duplicate-api-key-id.yaml:7 identities.apiKeys.keys[1].id: duplicate API key id "alice", also used by keys[0]',
  'invalid-duplicate-default-limit-id.yaml':
    'invalid-duplicate-default-limit-id.yaml:9 routes[0].limits[1].key: duplicate limit id "ipv4-24" (from the key), also used by limits[0]; give each limit an id',
  'invalid-duplicate-limit-id.yaml':
    'invalid-duplicate-limit-id.yaml:10 routes[0].limits[1].id: duplicate limit id "per-ip", also used by limits[0]',
  'invalid-duplicate-route-id.yaml':
    'invalid-duplicate-route-id.yaml:6 routes[1].id: duplicate route id "lookup", also used by routes[0]',
  'invalid-duplicate-yaml-key.yaml':
    'invalid-duplicate-yaml-key.yaml:4: invalid YAML: Map keys must be unique',
  'invalid-egress-bytes-bad-per.yaml':
    'invalid-egress-bytes-bad-per.yaml:11 routes[0].egress.perIdentityBytes.per: expected a duration like "10s", "5 m" or "1h", got "daily"',
  'invalid-egress-bytes-bad-size.yaml':
    'invalid-egress-bytes-bad-size.yaml:10 routes[0].egress.perIdentityBytes.size: expected a size like "512b", "256kb" or "1mb", got "ten megabytes"',
  'invalid-egress-bytes-limit-id-taken.yaml':
    'invalid-egress-bytes-limit-id-taken.yaml:8 routes[0].limits[0].id: limit id "egress-bytes" is taken by egress.perIdentityBytes on this route; rename the limit',
  'invalid-egress-bytes-no-size.yaml':
    'invalid-egress-bytes-no-size.yaml:9 routes[0].egress.perIdentityBytes.size: is required',
  'invalid-egress-bytes-unknown-key.yaml':
    'invalid-egress-bytes-unknown-key.yaml:12 routes[0].egress.perIdentityBytes.rate: unknown key "rate"; expected one of size, per, burst',
  'invalid-egress-bytes-without-risk.yaml':
    'invalid-egress-bytes-without-risk.yaml:8 routes[0].egress.perIdentityBytes: perIdentityBytes needs a risk section: bytes are counted per risk.identity',
  'invalid-egress-limit-id-taken.yaml':
    'invalid-egress-limit-id-taken.yaml:8 routes[0].limits[0].id: limit id "egress-records" is taken by egress.perIdentity on this route; rename the limit',
  'invalid-egress-no-records.yaml': 'invalid-egress-no-records.yaml:6 routes[0].egress.records: is required',
  'invalid-egress-per-identity-without-risk.yaml':
    'invalid-egress-per-identity-without-risk.yaml:8 routes[0].egress.perIdentity: perIdentity needs a risk section: records are counted per risk.identity',
  'invalid-egress-strip-untrusted-without-risk.yaml':
    'invalid-egress-strip-untrusted-without-risk.yaml:6 routes[0].egress.stripWhen: stripWhen "untrusted" (the default) needs a risk section, which says who is trusted; add one or set stripWhen: always',
  'invalid-empty-jwks.yaml':
    'invalid-empty-jwks.yaml:5 identities.jwt.jwksFile: expected a JSON Web Key Set (RFC 7517 §5): { "keys": [ {...}, ... ] } with at least one key',
  'invalid-empty.yaml': 'invalid-empty.yaml:1: the policy is empty; it starts with "version: 1"',
  'invalid-hit-ratio-below.yaml':
    'invalid-hit-ratio-below.yaml:9 routes[0].detect.hitRatio.below: expected a number greater than 0 and less than 1, got 1.5',
  'invalid-hit-ratio-without-egress.yaml':
    'invalid-hit-ratio-without-egress.yaml:9 routes[0].detect.hitRatio: hitRatio needs egress.records: the hits are the records the answer lists',
  'invalid-hs-with-public-key.yaml':
    'invalid-hs-with-public-key.yaml:5 identities.jwt.publicKeyFile: HS256 verifies with a shared secret: use secret (publicKeyFile works only with RS*, PS* or ES* algorithms)',
  'invalid-identity-key-auth-none.yaml': [
    'invalid-identity-key-auth-none.yaml:9 routes[0].scopes: scopes need an identity, but the route has auth "none"',
    'invalid-identity-key-auth-none.yaml:11 routes[0].limits[0].key: key "identity" needs an identity, but the route has auth "none"',
  ].join('\n'),
  'invalid-jwt-require-exp.yaml':
    'invalid-jwt-require-exp.yaml:6 identities.jwt.requireExp: expected true or false, got "no"',
  'invalid-ip-object-prefix.yaml':
    'invalid-ip-object-prefix.yaml:7 routes[0].limits[0].key.ip.v6: expected an IPv6 prefix length 0-128, got 129',
  'invalid-ipv4-prefix-33.yaml':
    'invalid-ipv4-prefix-33.yaml:7 routes[0].limits[0].key: expected ipv4/<0-32>, got "ipv4/33"',
  'invalid-metrics-listen-hostname.yaml':
    'invalid-metrics-listen-hostname.yaml:4 server.metrics.listen: expected an IPv4 address, "localhost" or a bracketed IPv6 address as the host, got "metrics.internal"',
  'invalid-metrics-listen-ipv6-unbracketed.yaml':
    'invalid-metrics-listen-ipv6-unbracketed.yaml:4 server.metrics.listen: expected "host:port" like "127.0.0.1:9464" (an IPv6 host in brackets: "[::1]:9464"), got "::1:9464"',
  'invalid-metrics-listen-port-only.yaml':
    'invalid-metrics-listen-port-only.yaml:4 server.metrics.listen: expected "host:port" like "127.0.0.1:9464" (an IPv6 host in brackets: "[::1]:9464"), got 9464',
  'invalid-metrics-listen-port-range.yaml':
    'invalid-metrics-listen-port-range.yaml:4 server.metrics.listen: expected a port from 0 to 65535 (0 picks a free one), got 70000',
  'invalid-metrics-not-a-mapping.yaml':
    'invalid-metrics-not-a-mapping.yaml:3 server.metrics: expected a mapping, got true',
  'invalid-metrics-path-no-slash.yaml':
    'invalid-metrics-path-no-slash.yaml:4 server.metrics.path: expected a path like "/metrics": "/" then visible characters, no "?" or "#", got "metrics"',
  'invalid-metrics-path-query.yaml':
    'invalid-metrics-path-query.yaml:5 server.metrics.path: expected a path like "/metrics": "/" then visible characters, no "?" or "#", got "/metrics?x=1"',
  'invalid-metrics-unknown-key.yaml':
    'invalid-metrics-unknown-key.yaml:5 server.metrics.port: unknown key "port"; expected one of listen, path',
  'invalid-missing-jwks-file.yaml':
    'invalid-missing-jwks-file.yaml:5 identities.jwt.jwksFile: cannot read "keys/missing.json": no such file (ENOENT)',
  'invalid-missing-path.yaml': 'invalid-missing-path.yaml:4 routes[0].match.path: is required',
  'invalid-missing-version.yaml': 'invalid-missing-version.yaml:2 version: is required',
  'invalid-no-key-source.yaml':
    'invalid-no-key-source.yaml:3 identities.jwt: set exactly one of secret, publicKey, publicKeyFile or jwksFile',
  'invalid-not-a-mapping.yaml': 'invalid-not-a-mapping.yaml:1: expected a mapping, got a list',
  'invalid-path-bad-segment.yaml':
    'invalid-path-bad-segment.yaml:4 routes[0].match.path: invalid segment "*" in "/files/*/meta": expected literal text, ":name" or a trailing "*"',
  'invalid-path-no-slash.yaml':
    'invalid-path-no-slash.yaml:4 routes[0].match.path: expected a path pattern starting with "/", got "lookup"',
  'invalid-pem-wrong-type.yaml':
    'invalid-pem-wrong-type.yaml:5 identities.jwt.publicKeyFile: RS256 needs an RSA public key, got a key of type ec',
  'invalid-ramp-from-zero.yaml':
    'invalid-ramp-from-zero.yaml:10 routes[0].limits[0].ramp.from: expected a number greater than 0 and at most 1, got 0',
  'invalid-ramp-without-risk.yaml':
    "invalid-ramp-without-risk.yaml:9 routes[0].limits[0].ramp: ramp needs a risk section: an identity's age is counted from when risk.identity was first seen",
  'invalid-range-density-block-digits.yaml':
    'invalid-range-density-block-digits.yaml:9 routes[0].detect.rangeDensity.blockDigits: expected an integer from 1 to 6, got 7',
  'invalid-risk-block-max-below-base.yaml':
    'invalid-risk-block-max-below-base.yaml:5 risk.block.max: must be at least block.base (1h), got 30m',
  'invalid-risk-claim-without-jwt.yaml':
    'invalid-risk-claim-without-jwt.yaml:6 risk.identity: key "claim-tenant" needs identities.jwt',
  'invalid-risk-identity-ip.yaml':
    'invalid-risk-identity-ip.yaml:3 risk.identity: must name a caller: identity, account, { header: name } or { claim: name }, got "ip"',
  'invalid-risk-shrink-factor.yaml':
    'invalid-risk-shrink-factor.yaml:3 risk.shrinkFactor: must be greater than 0 and at most 1, got 1.5',
  'invalid-risk-thresholds-order.yaml':
    'invalid-risk-thresholds-order.yaml:3 risk.thresholds.shrink: must be greater than thresholds.observe (10), got 5',
  'invalid-risk-unknown-key.yaml':
    'invalid-risk-unknown-key.yaml:4 risk.thresold: unknown key "thresold"; did you mean "thresholds"?',
  'invalid-rs-with-secret.yaml':
    'invalid-rs-with-secret.yaml:5 identities.jwt.secret: RS256 verifies with a public key: use publicKey, publicKeyFile or jwksFile (a secret works only with HS256, HS384 or HS512)',
  'invalid-several-errors.yaml': [
    'invalid-several-errors.yaml:3 server.idleTimeout: expected a duration like "10s", "5 m" or "1h", got "forever"',
    'invalid-several-errors.yaml:7 routes[0].auth: expected one of "required", "optional", "none", got "sometimes"',
    'invalid-several-errors.yaml:10 routes[0].limits[0].rate: expected "<n>/<duration>" like "1000/1h", got "10 per minute"',
    'invalid-several-errors.yaml:11 routes[0].limits[0].burst: expected a positive integer, got -1',
    'invalid-several-errors.yaml:12 routes[0].limits[0].colour: unknown key "colour"; expected one of id, key, rate, burst, algorithm, cost, distinct, ramp',
  ].join('\n'),
  'invalid-short-secret.yaml':
    'invalid-short-secret.yaml:5 identities.jwt.secret: secret must be at least 32 bytes for HS256 (RFC 7518 §3.2), got 9',
  'invalid-store-bad-cluster-node.yaml':
    'invalid-store-bad-cluster-node.yaml:6 server.store.cluster[1]: expected a cluster node "host:port" like "127.0.0.1:7000", got "redis-node-2"',
  'invalid-store-bad-prefix.yaml':
    'invalid-store-bad-prefix.yaml:5 server.store.prefix: expected a key prefix of up to 64 letters, digits, "_", ".", ":" or "-" like "eg", got "eg:{x}"',
  'invalid-store-bad-redis-url.yaml':
    'invalid-store-bad-redis-url.yaml:4 server.store.redis: expected a redis:// or rediss:// URL like "redis://127.0.0.1:6379", got "127.0.0.1:6379"',
  'invalid-store-bad-snapshot-every.yaml':
    'invalid-store-bad-snapshot-every.yaml:5 server.store.snapshotEvery: expected a duration like "10s", "5 m" or "1h", got "soon"',
  'invalid-store-instances-zero.yaml':
    'invalid-store-instances-zero.yaml:5 server.store.instances: expected a positive integer or "auto", got 0',
  'invalid-store-instances-word.yaml':
    'invalid-store-instances-word.yaml:5 server.store.instances: expected a positive integer or "auto", got "many"',
  'invalid-store-password-env-unset.yaml':
    'invalid-store-password-env-unset.yaml:5 server.store.passwordEnv: environment variable ENUMGUARD_FIXTURE_UNSET_REDIS_PASSWORD is not set',
  'invalid-store-username-without-password-env.yaml':
    'invalid-store-username-without-password-env.yaml:5 server.store.username: username needs passwordEnv, the environment variable holding its password',
  'invalid-store-url-and-password-env.yaml':
    'invalid-store-url-and-password-env.yaml:5 server.store.passwordEnv: the redis URL already carries credentials: keep them in the URL or in username/passwordEnv, not both',
  'invalid-store-snapshot-with-password-env.yaml':
    'invalid-store-snapshot-with-password-env.yaml:5 server.store.passwordEnv: applies to redis or cluster, not to snapshot',
  'invalid-store-bad-username.yaml':
    'invalid-store-bad-username.yaml:5 server.store.username: expected a Redis ACL user name like "enumguard", got "gate way"',
  'invalid-store-no-snapshot.yaml':
    'invalid-store-no-snapshot.yaml:3 server.store: set exactly one of snapshot, redis or cluster',
  'invalid-store-redis-and-cluster.yaml':
    'invalid-store-redis-and-cluster.yaml:3 server.store: set exactly one of snapshot, redis or cluster, got redis and cluster',
  'invalid-store-redis-with-snapshot-every.yaml':
    'invalid-store-redis-with-snapshot-every.yaml:5 server.store.snapshotEvery: applies to snapshot (the memory store), not to redis',
  'invalid-store-seed-env-unset.yaml':
    'invalid-store-seed-env-unset.yaml:5 server.store.seedEnv: environment variable ENUMGUARD_FIXTURE_UNSET_SEED is not set',
  'invalid-store-snapshot-and-redis.yaml':
    'invalid-store-snapshot-and-redis.yaml:3 server.store: set exactly one of snapshot, redis or cluster, got snapshot and redis',
  'invalid-store-snapshot-every-too-long.yaml':
    'invalid-store-snapshot-every-too-long.yaml:5 server.store.snapshotEvery: expected at most 24d between snapshots, got "30d"',
  'invalid-store-snapshot-every.yaml':
    'invalid-store-snapshot-every.yaml:5 server.store.snapshotEvery: expected at least 1s between snapshots, got "100ms"',
  'invalid-store-snapshot-with-instances.yaml':
    'invalid-store-snapshot-with-instances.yaml:5 server.store.instances: applies to redis or cluster, not to snapshot',
  'invalid-store-unknown-key.yaml':
    'invalid-store-unknown-key.yaml:5 server.store.every: unknown key "every"; expected one of snapshot, snapshotEvery, redis, cluster, prefix, seedEnv, timeout, instances, username, passwordEnv',
  'invalid-two-key-sources.yaml':
    'invalid-two-key-sources.yaml:3 identities.jwt: set exactly one of secret, publicKey, publicKeyFile or jwksFile, got publicKeyFile and jwksFile',
  'invalid-unknown-algorithm.yaml':
    'invalid-unknown-algorithm.yaml:4 identities.jwt.algorithms[0]: expected one of HS256, HS384, HS512, RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, got "EdDSA"',
  'invalid-unknown-route-key.yaml':
    'invalid-unknown-route-key.yaml:6 routes[0].limit: unknown key "limit"; did you mean "limits"?',
  'invalid-unknown-top-key.yaml': [
    'invalid-unknown-top-key.yaml:1 routes: is required',
    'invalid-unknown-top-key.yaml:3 routs: unknown key "routs"; did you mean "routes"?',
  ].join('\n'),
  'invalid-wrong-version.yaml': 'invalid-wrong-version.yaml:1 version: expected 1, got 2',
  'invalid-yaml-alias-bomb.yaml':
    'invalid-yaml-alias-bomb.yaml:19 routes[4].scopes[7]: YAML aliases expand to more than 100000 values (an alias bomb?); write the values out instead',
  'invalid-yaml-alias-cycle.yaml':
    'invalid-yaml-alias-cycle.yaml:6 routes[1]: YAML alias *routes is inside the node it names (a cycle)',
  'invalid-yaml-syntax.yaml':
    'invalid-yaml-syntax.yaml:5: invalid YAML: Flow map in block collection must be sufficiently indented and end with a }',
  'invalid-yaml-undefined-alias.yaml':
    'invalid-yaml-undefined-alias.yaml:7 routes[0].limits[0]: YAML alias *per-ip names no anchor: an anchor &per-ip must come before it',
};

describe('invalid policy fixtures', () => {
  it('has an expected message for every invalid fixture, and a fixture for every message', () => {
    const fixtures = readdirSync(DIR)
      .filter((f) => f.startsWith('invalid-'))
      .sort();
    assert.deepEqual(fixtures, Object.keys(EXPECTED).sort());
    assert.ok(fixtures.length >= 20);
  });

  for (const [fixture, message] of Object.entries(EXPECTED)) {
    it(`refuses ${fixture} with the exact located message`, async () => {
      await assert.rejects(loadPolicy(join(DIR, fixture)), (err: unknown) => {
        assert.ok(err instanceof PolicyError);
        assert.ok(isEnumguardError(err, 'ERR_POLICY_INVALID'));
        assert.equal(err.message, message);
        assert.equal(err.issues.length, message.split('\n').length);
        return true;
      });
    });
  }
});

describe('valid policy fixtures', () => {
  for (const fixture of readdirSync(DIR).filter((f) => f.startsWith('valid-'))) {
    it(`compiles ${fixture}`, async () => {
      const policy = await loadPolicy(join(DIR, fixture));
      assert.ok(policy.routes.length > 0);
    });
  }
});
