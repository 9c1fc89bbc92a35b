import type { LimitSpec, UnavailableMode } from '../core/limit.ts';
import type { RiskConfig } from '../core/risk-config.ts';
import type { AlertsConfig } from './alerts-types.ts';
import type { ServerConfig } from './server-types.ts';
export type {
  AdminConfig,
  MemoryStoreConfig,
  MetricsConfig,
  RedisAuth,
  RedisNodeAddress,
  RedisStoreConfig,
  ServerConfig,
  StoreConfig,
} from './server-types.ts';

export type {
  AlertEventType,
  AlertsConfig,
  IncidentConfig,
  RedisStreamConfig,
  WebhookConfig,
  WebhookFormat,
} from './alerts-types.ts';

/**
 * A policy after validation and compilation: everything the pipeline needs, with durations
 * in milliseconds, sizes in bytes and defaults filled in. The YAML shape it comes from is
 * documented in docs/policy.md and validated by src/policy/schema.ts.
 */
export interface CompiledPolicy {
  /** Where the policy came from (a path, or "<inline>"), for messages. */
  readonly source: string;
  readonly upstream: string | undefined;
  readonly server: ServerConfig;
  readonly identities: IdentitiesConfig;
  readonly routes: readonly CompiledRoute[];
  /** What to do with a request no route matches. */
  readonly unmatched: 'deny' | 'allow';
  /** The risk score and its graduated responses; undefined: no detector scores anyone. */
  readonly risk: RiskPolicy | undefined;
  /** Which account (phone number) a session belongs to; undefined: sessions are accounts. */
  readonly accounts?: AccountsConfig | undefined;
  /** The contact graph and the reveal budget; undefined: no route gates its reveals. */
  readonly contacts?: ContactsConfig | undefined;
  /** Where events are delivered (webhooks, Slack, PagerDuty, a Redis stream); undefined: nowhere. */
  readonly alerts?: AlertsConfig | undefined;
}

/**
 * The policy's `accounts:` section (src/policy/contacts-section.ts): how the gateway learns the
 * account behind a session, so budgets and risk follow the account, not the session.
 */
export interface AccountsConfig {
  /** The credential a session presents, in the limits' key syntax ({ header } or identity). */
  readonly session: LimitKey;
  /**
   * Capture at registration: on a 2xx answer of `route`, the number at the request's
   * `number` pointer owns the session `<scheme> <token at the answer's token pointer>`.
   */
  readonly register:
    | { readonly route: string; readonly number: string; readonly token: string; readonly scheme: string }
    | undefined;
  /** Or: a JWT claim that holds the account's number. */
  readonly claim: string | undefined;
  /** Sessions unseen this long are forgotten. */
  readonly forgetAfterMs: number;
  /** Most sessions remembered; the least recently seen go first. */
  readonly maxSessions: number;
}

/** One step of the reveal budget: accounts with at least `trust` vouchers get `spec`. */
export interface RevealTier {
  readonly trust: number;
  readonly spec: LimitSpec;
}

/** The policy's `contacts:` section: the contact graph's bounds and the reveal budget. */
export interface ContactsConfig {
  /** Numbers remembered per account as looked up (the first ones; later ones are not kept). */
  readonly maxPerAccount: number;
  /** Accounts in the graph; the least recently active are forgotten first. */
  readonly maxAccounts: number;
  readonly forgetAfterMs: number;
  /** Accounts first seen within this long of the graph's creation are seeds (0: none). */
  readonly bootstrapMs: number;
  /** Vouchers an account needs before it vouches for others (seeds vouch from the start). */
  readonly anchorAt: number;
  /** Ascending in trust; the first is trust 0. */
  readonly budget: readonly RevealTier[];
  /**
   * One budget shared by every account not anchored (policy `contacts.population`): how fast all
   * new and unvouched accounts together may discover accounts that do not know them. A swarm of
   * any size drains it, and then waits with every other unanchored account.
   */
  readonly population: { readonly spec: LimitSpec } | undefined;
}

/** A route's `reveal:`: its answers' records are revealed mutual-first, the rest from the budget. */
export interface RouteReveal {
  /** RFC 6901 pointer to the answer's array of records. */
  readonly records: string;
  /** The record member holding the revealed number, e.g. "number". */
  readonly member: string;
}

/**
 * The policy's `risk:` section: whose score it is, which layers a signal reaches, and who is
 * never scored. Detectors are configured per route (CompiledRoute.detect).
 */
export interface RiskPolicy {
  /** Half-life, thresholds, shrink factor and escalating blocks (src/core/risk-config.ts). */
  readonly model: RiskConfig;
  /**
   * Whose score it is, in the limits' key syntax: "identity", { header: authorization } for
   * opaque bearer tokens, { claim: name }. A request without that key is scored by layer
   * `ipPrefix` only.
   */
  readonly identity: LimitKey;
  /**
   * The share of a signal's weight each layer receives (0 switches a layer off):
   * - identity: the caller's own score;
   * - ipPrefix: the score of the prefix the request came from;
   * - cohort: the score of the prefix the identity was first seen from, shared by every
   *   account that prefix created, so a Sybil farm is scored as one.
   */
  readonly layers: { readonly identity: number; readonly ipPrefix: number; readonly cohort: number };
  /** Identities first seen less than this ago are "untrusted" for egress `stripWhen: untrusted`. */
  readonly trustAfterMs: number;
  /** Prefix lengths of the ipPrefix and cohort layers. */
  readonly ipPrefix: { readonly v4: number; readonly v6: number };
  /** Identities (key values, e.g. "Bearer abc" for a header key) and client CIDRs never scored or refused by risk. */
  readonly allowlist: { readonly identities: readonly string[]; readonly cidrs: readonly string[] };
  /** Every rule logs what it would do and enforces nothing (rules also have their own `shadow`). */
  readonly shadow: boolean;
}

/** A detector's common settings: the weight a signal adds, and whether it only logs. */
export interface DetectorBase {
  readonly weight: number;
  /** Score into a shadow score that is logged and reported but never enforced. */
  readonly shadow: boolean;
}

/**
 * Per identity, the share of queried targets that exist (records in the answer over targets
 * asked). Counted over a decaying window, so small batches add up; signalled when at least
 * `minTargets` were asked and the share is below `below`, then counted afresh.
 */
export interface HitRatioDetector extends DetectorBase {
  readonly below: number;
  readonly minTargets: number;
  /** The counts halve every halfLifeMs. */
  readonly halfLifeMs: number;
}

/** Tripwire numbers no real address book holds: each one queried adds `weight`. */
export interface CanaryDetector extends DetectorBase {
  /** Listed and generated canaries, normalized to E.164. */
  readonly numbers: readonly string[];
}

/** Distinct numbers per number block per window, over all callers (src/core/range-density.ts). */
export interface RangeDensityDetector extends DetectorBase {
  readonly blockDigits: number;
  readonly windowMs: number;
  readonly hotShare: number;
}

export interface RouteDetectors {
  readonly hitRatio: HitRatioDetector | undefined;
  readonly canaries: CanaryDetector | undefined;
  readonly rangeDensity: RangeDensityDetector | undefined;
}

/** What leaves the API on this route (issue 4, deliverable 6). */
export interface RouteEgress {
  /** RFC 6901 pointer to the answer's array of records (hits), e.g. "/contacts". */
  readonly records: string;
  /** Top-level record members removed, e.g. ["photo", "about"]. */
  readonly strip: readonly string[];
  /** "always", or "untrusted": only for callers at risk level observe or above, or younger than risk.trustAfter. */
  readonly stripWhen: 'always' | 'untrusted';
  /** Records passed per answer; the rest are dropped. */
  readonly maxRecords: number | undefined;
  /** Bytes of passed records per answer. */
  readonly maxBytes: number | undefined;
  /** Records per risk identity per window: an answer that would pass it is refused (429). */
  readonly perIdentity: LimitSpec | undefined;
  /** Bytes of answers sent per risk identity per window (GCRA): an answer that would pass it is refused (429). */
  readonly perIdentityBytes: LimitSpec | undefined;
}

export interface IdentitiesConfig {
  readonly apiKeys: ApiKeysConfig | undefined;
  readonly jwt: JwtConfig | undefined;
  /**
   * `identities.failedAuth`: how many failed authentications one client address (an IPv6
   * client by its /64) may make before its requests are refused with 429 without verifying
   * their credentials (GCRA; default 20 per minute, burst 20). Undefined: `failedAuth: false`.
   */
  readonly failedAuth: LimitSpec | undefined;
}

export interface ApiKeysConfig {
  /** Header carrying the key; default "x-api-key". `Authorization: ApiKey <key>` also works. */
  readonly header: string;
  readonly keys: readonly ApiKeyEntry[];
}

export interface ApiKeyEntry {
  /** The identity's name: used as the `identity` limit key and in logs. Never the key itself. */
  readonly id: string;
  /** Lower-case hex SHA-256 of the key. Keys are never stored or logged in clear. */
  readonly sha256: string;
  readonly scopes: readonly string[];
}

export type JwtAlgorithm =
  | 'HS256'
  | 'HS384'
  | 'HS512'
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512';

export interface JwtConfig {
  readonly algorithms: readonly JwtAlgorithm[];
  /** Exactly one key source is set. Secrets and PEMs are read by the compiler, paths resolved against the policy file. */
  readonly key:
    | { readonly kind: 'secret'; readonly secret: string }
    | { readonly kind: 'pem'; readonly pem: string }
    | { readonly kind: 'jwks'; readonly jwks: { readonly keys: readonly Record<string, unknown>[] } };
  readonly issuer: string | undefined;
  readonly audience: string | undefined;
  /** Allowed clock skew when checking exp/nbf. */
  readonly clockToleranceMs: number;
  /** Claim naming the identity; default "sub". */
  readonly identityClaim: string;
  /** Claim holding scopes: a space-separated string or an array; default "scope". */
  readonly scopesClaim: string;
  /** Refuse tokens without an "exp" claim; default true. */
  readonly requireExp: boolean;
}

export interface CompiledRoute {
  /** Unique route id from the policy, e.g. "discover". */
  readonly id: string;
  /** Upper-case methods, or "*" for any. */
  readonly methods: readonly string[] | '*';
  /** The path pattern as written: "/v1/accounts/:id/photo", "/static/*". */
  readonly path: string;
  /** Does this route match the request path (no query string)? */
  readonly matchPath: (path: string) => boolean;
  /** "required": no identity is a 401. "optional": identify if credentials come. "none": never identify. */
  readonly auth: 'required' | 'optional' | 'none';
  /** Every scope listed is required (least privilege): missing one is a 403. */
  readonly scopes: readonly string[];
  /** Send RateLimit / RateLimit-Policy headers. Off for enumeration-sensitive lookups. */
  readonly rateLimitHeaders: boolean;
  /**
   * When the shared store cannot answer (error, timeout, open circuit): "deny" answers 503,
   * "allow" lets the request through, "local" (the default) enforces this instance's share of
   * each limit in process. Only a resilient store (src/stores/resilient-store.ts) acts on it.
   */
  readonly storeUnavailable: UnavailableMode;
  /** A batch cap on an array in the JSON body; past it the request is refused whole. */
  readonly batch: BatchConfig | undefined;
  readonly limits: readonly CompiledLimit[];
  /**
   * RFC 6901 pointer to the request's lookup targets for the detectors (hit ratio, canaries,
   * range density): the route's `targets`, else its first distinct limit's pointer, else the
   * batch pointer.
   */
  readonly targets: string | undefined;
  readonly detect: RouteDetectors | undefined;
  readonly egress: RouteEgress | undefined;
  /** Mutual-first reveals of the answer's records (needs the policy's contacts section). */
  readonly reveal?: RouteReveal | undefined;
  /** True when a limit's cost, the batch cap or a detector needs the parsed JSON body. */
  readonly needsBody: boolean;
}

export interface BatchConfig {
  /** RFC 6901 JSON pointer to the array, e.g. "/numbers". */
  readonly pointer: string;
  readonly max: number;
  /** 413 (the default) or 400. */
  readonly status: 413 | 400;
}

export type LimitKey =
  | { readonly kind: 'identity' }
  | { readonly kind: 'ip' }
  | { readonly kind: 'ip-prefix'; readonly v4: number; readonly v6: number }
  | { readonly kind: 'route' }
  | { readonly kind: 'global' }
  | { readonly kind: 'header'; readonly name: string }
  | { readonly kind: 'claim'; readonly name: string }
  /** The session's account (policy `accounts`); a session not yet bound is keyed by itself. */
  | { readonly kind: 'account' };

export type LimitCost =
  | { readonly kind: 'fixed'; readonly units: number }
  /**
   * The length of the array at this JSON pointer in the body, at least 1; a body without
   * the array is refused before it is priced (pipeline/admit/body-shape.ts).
   */
  | { readonly kind: 'body-array'; readonly pointer: string };

export interface CompiledLimit {
  /** spec.id is "<route id>/<limit id>". */
  readonly spec: LimitSpec;
  readonly key: LimitKey;
  /**
   * For a distinct limit, the array's length at `distinct.pointer`: the most it can cost,
   * which is what a consumer that ignores `distinct` would charge (stricter, never looser).
   */
  readonly cost: LimitCost;
  /**
   * Charge only the targets (strings of the array at this RFC 6901 pointer, normalized)
   * that this limit's key has never queried before; duplicates count once. The pipeline
   * passes them as LimitCheck.targets and the store computes the cost.
   */
  readonly distinct?: { readonly pointer: string };
  /**
   * New identities start with a smaller quota (Sybil resistance): the limit's cost is divided
   * by min(1, from + (1 - from) × age / overMs), age since the risk identity was first seen.
   */
  readonly ramp?: { readonly from: number; readonly overMs: number };
}
