/**
 * The vocabulary of limits shared by the policy compiler, the stores and the pipeline.
 *
 * A limit allows `limit` units of cost per `windowMs`, with at most `burst` units at once.
 * Every algorithm keeps its whole per-key state in three numbers (s0, s1, s2) so stores can
 * hold millions of keys in flat typed arrays and Redis can hold them in one small hash.
 */
export const ALGORITHMS = ['gcra', 'sliding-window', 'fixed-window'] as const;
export type AlgorithmName = (typeof ALGORITHMS)[number];

/**
 * What a route wants when the shared store (Redis) cannot answer: refuse (503), let the
 * request through, or enforce this instance's share of each limit in process (the default).
 * See src/stores/resilient-store.ts.
 */
export const UNAVAILABLE_MODES = ['deny', 'allow', 'local'] as const;
export type UnavailableMode = (typeof UNAVAILABLE_MODES)[number];

export interface LimitSpec {
  /** Stable, unique name used in headers, logs and store keys, e.g. "discover/per-identity". */
  readonly id: string;
  readonly algorithm: AlgorithmName;
  /** Units of cost allowed per window (the "quota" of RateLimit-Policy `q`). */
  readonly limit: number;
  /** The window in milliseconds (RateLimit-Policy `w`, in seconds on the wire). */
  readonly windowMs: number;
  /**
   * Most units that may be spent at once. For GCRA this is the bucket capacity; the window
   * algorithms ignore it and allow `limit` per window.
   */
  readonly burst: number;
}

/** One limit to check for one request: which limit, under which key, at what cost. */
export interface LimitCheck {
  readonly spec: LimitSpec;
  /** The store key, already namespaced by the caller (route, limit and key value). */
  readonly key: string;
  /** Units this request spends; 0 only peeks. */
  readonly cost: number;
  /**
   * For distinct limits: the request's normalized targets (phone numbers, emails, ...). The
   * store then ignores `cost` and charges the number of targets this key has never queried
   * (duplicates once), inside the same all-or-nothing consume, and remembers them only when
   * the whole request is allowed.
   */
  readonly targets?: readonly string[];
  /**
   * A young identity's smaller quota: with the request's risk lookup, the store divides the
   * cost by rampFactor(ramp, age) (see ramp.ts), age since the identity was first seen.
   */
  readonly ramp?: { readonly from: number; readonly overMs: number };
}

/** What one limit said about one request. */
export interface LimitOutcome {
  readonly spec: LimitSpec;
  readonly key: string;
  readonly allowed: boolean;
  /** Units left after this request (or, when denied, left without it). Never negative. */
  readonly remaining: number;
  /** Milliseconds until the limit is fully replenished (or the window resets). */
  readonly resetMs: number;
  /** Milliseconds until this request's cost would be allowed; 0 when allowed. */
  readonly retryAfterMs: number;
}

/**
 * The result of checking several limits at once. All-or-nothing: when any limit denies,
 * none of them is charged.
 */
export interface BatchOutcome {
  readonly allowed: boolean;
  /** Same order as the checks. */
  readonly outcomes: readonly LimitOutcome[];
}

/**
 * Scratch output of one algorithm step. Algorithms write into a reused object instead of
 * allocating, because this runs millions of times per second.
 */
export interface StepResult {
  allowed: boolean;
  remaining: number;
  resetMs: number;
  retryAfterMs: number;
  /** The next state, to be committed only if the whole batch is allowed. */
  s0: number;
  s1: number;
  s2: number;
  /** Absolute time after which the next state equals a fresh key and may be dropped. */
  expiresAt: number;
}

/**
 * One algorithm step: given the current state (or `fresh` for an unknown or expired key),
 * the cost and the time, decide and compute the next state. Pure; writes only to `out`.
 */
export type Step = (
  spec: LimitSpec,
  fresh: boolean,
  s0: number,
  s1: number,
  s2: number,
  cost: number,
  now: number,
  out: StepResult,
) => void;

export function newStepResult(): StepResult {
  return { allowed: false, remaining: 0, resetMs: 0, retryAfterMs: 0, s0: 0, s1: 0, s2: 0, expiresAt: 0 };
}
