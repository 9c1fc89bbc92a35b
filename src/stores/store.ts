import type { BatchOutcome, LimitCheck, UnavailableMode } from '../core/limit.ts';
import type { RiskAction, RiskModel } from '../core/risk.ts';
import type { StoreAdmin } from './risk-subject.ts';

/** The layers a risk signal reaches (see RiskPolicy.layers in src/policy/types.ts). */
export type RiskLayer = 'identity' | 'ipPrefix' | 'cohort';

/** Whose risk a request carries: the store reads (and a signal writes) these layers. */
export interface RiskLookup {
  readonly model: RiskModel;
  /** The risk identity's key value; undefined for a caller without one (scored by prefix only). */
  readonly identity: string | undefined;
  /** The client's IP prefix ("198.51.100.0/24"): its own layer, and the cohort of an identity first seen there. */
  readonly prefix: string;
  /** The whole policy is in shadow: nothing is enforced. */
  readonly shadow: boolean;
  /**
   * An established account (anchored in the contact graph): only its identity layer is read and
   * signalled, so a penalty on its network or sign-up cohort never falls on it.
   */
  readonly spareNetwork?: boolean;
}

/** A detector's signal: its weight, the share each layer gets, and whether it only logs. */
export interface RiskSignal {
  readonly weight: number;
  readonly layers: Readonly<Record<RiskLayer, number>>;
  readonly shadow: boolean;
}

/** The risk a request carries, read in the same store call as its limits. */
export interface RiskReading {
  /** The most severe enforced response over the layers. */
  readonly enforced: RiskAction;
  /** What would be enforced without shadow mode. */
  readonly wouldBe: RiskAction;
  /** The most severe response the shadow rules' scores would give. */
  readonly shadowWouldBe: RiskAction;
  /** The layer whose score decided `enforced` (undefined when none is above a threshold). */
  readonly layer: RiskLayer | undefined;
  /** The identity's score (the prefix's without an identity). */
  readonly score: number;
  /** Time since the identity was first seen; 0 without an identity. */
  readonly ageMs: number;
}

/** A batch outcome with the request's risk, when the request carried a lookup. */
export interface RiskedOutcome extends BatchOutcome {
  readonly risk?: RiskReading;
  /**
   * Set when the shared store did not answer and a resilient store answered instead:
   * "allow" (let through unchecked) or "local" (this instance's in-process share).
   * Absent on a real answer.
   */
  readonly fallback?: 'allow' | 'local';
}

/** Per-call options of `consume`. */
export interface ConsumeOptions {
  /**
   * The route's `storeUnavailable` mode: what a resilient store does when its primary cannot
   * answer (see src/stores/resilient-store.ts). Stores that cannot fail over ignore it.
   */
  readonly unavailable?: UnavailableMode;
}

/**
 * The one contract every store implements: memory (the embedded default) and, later, Redis.
 *
 * `consume` checks every limit a request touches in one round trip and is all-or-nothing:
 * if any check denies, no check is charged. With a risk lookup, the same call reads the
 * caller's risk first: a block or challenge denies without charging anything; `shrink` and
 * a young identity's ramp raise the checks' costs. The store owns the time it decides with
 * (the memory store's injected Clock, Redis's TIME), so instances with skewed clocks agree.
 *
 * The memory store answers synchronously; callers must accept either a value or a promise,
 * which lets the in-process path avoid a promise per decision.
 *
 * A store that cannot answer throws (or rejects with) an EnumguardError 'ERR_STORE_UNAVAILABLE';
 * the pipeline answers 503. `options.unavailable` carries the route's `storeUnavailable` mode
 * to a resilient store (src/stores/resilient-store.ts), which may answer from its fallback
 * instead; every other store ignores it.
 */
export interface Store {
  readonly name: string;
  consume(
    checks: readonly LimitCheck[],
    risk?: RiskLookup,
    options?: ConsumeOptions,
  ): RiskedOutcome | Promise<RiskedOutcome>;
  /** Adds a detector's signal to the lookup's layers and answers the risk that results. */
  signal(risk: RiskLookup, signal: RiskSignal): RiskReading | Promise<RiskReading>;
  /**
   * The operator's side of the risk tables (top subjects, blocks, block, lift: risk-subject.ts),
   * on every store enumguard ships. The Store contract suite checks it; a store written
   * elsewhere that leaves it out fails those cases, and the admin API answers 501 for it.
   */
  readonly admin?: StoreAdmin;
  /** Forgets every key (tests and admin resets). */
  clear(): void | Promise<void>;
  close(): Promise<void>;
}
