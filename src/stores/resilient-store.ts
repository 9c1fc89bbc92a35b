import type { Clock } from '../core/clock.ts';
import { EnumguardError, isEnumguardError } from '../core/errors.ts';
import type { LimitCheck, UnavailableMode } from '../core/limit.ts';
import { createCircuitBreaker, type BreakerState, type Ticket } from './circuit-breaker.ts';
import { allowAll, createShareMapper } from './local-share.ts';
import { createMemoryStore, type MemoryStoreOptions } from './memory-store.ts';
import { ADMIN_TIMEOUT_MS, resilientAdmin } from './resilient-admin.ts';
import type { ConsumeOptions, RiskedOutcome, RiskLookup, RiskReading, RiskSignal, Store } from './store.ts';

/** The logger shape of the pipeline (PipelineLogger); pino's logger fits it. */
export interface StoreLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ResilientStoreOptions {
  /** The shared store (Redis) every call goes to while it answers. */
  readonly primary: Store;
  /** The breaker's and the local store's time. */
  readonly clock: Clock;
  /** Most milliseconds a primary call may take before the fallback answers (default 50). */
  readonly timeoutMs?: number;
  /** Most milliseconds an admin call (StoreAdmin) may take on the primary (default 5 s): then ERR_STORE_UNAVAILABLE. */
  readonly adminTimeoutMs?: number;
  readonly breaker?: {
    /** Errors or timeouts within windowMs that open the circuit (default 5). */
    readonly failures?: number;
    /** Default 10 s. */
    readonly windowMs?: number;
    /** Time open before one probe goes to the primary (default 2 s). */
    readonly openMs?: number;
  };
  /**
   * Gateway instances sharing the primary; `local` mode enforces 1/instances of each limit.
   * Default 1. A function is read at each fallback: the count the gateways' heartbeat observes
   * (instance-count.ts); a value that is not a positive integer counts as 1.
   */
  readonly instances?: number | (() => number);
  /** State changes (warn) and the first error of each burst of failures (error). */
  readonly logger?: StoreLogger;
  readonly onStateChange?: (state: BreakerState, previous: BreakerState) => void;
  readonly fallback?: {
    /** The mode of a consume call that names none (default "local"); a route's mode wins. */
    readonly mode?: UnavailableMode;
    /** Bounds of the local insurance store (see MemoryStoreOptions). */
    readonly local?: Pick<MemoryStoreOptions, 'maxKeys' | 'maxTargetsPerKey' | 'maxRiskRecords' | 'seed'>;
  };
}

export interface ResilientStoreStats {
  readonly state: BreakerState;
  /** Primary calls that threw or rejected. */
  readonly primaryErrors: number;
  /** Primary calls that did not answer within timeoutMs. */
  readonly timeouts: number;
  /** Answers the primary did not give, by mode (consume calls only). */
  readonly fallbacks: { readonly deny: number; readonly allow: number; readonly local: number };
  /** Detector signals kept in the local store only. */
  readonly signalFallbacks: number;
  /** Answers that came after their call had timed out, and were dropped. */
  readonly lateAnswers: number;
  /** Circuit transitions, by the state entered. */
  readonly transitions: { readonly open: number; readonly 'half-open': number; readonly closed: number };
  /** The instance count the `local` fallback divides each limit by, read now. */
  readonly instances: number;
  readonly lastError:
    { readonly at: number; readonly kind: 'error' | 'timeout'; readonly message: string } | undefined;
}

export interface ResilientStore extends Store {
  /** What a metrics layer reads. */
  stats(): ResilientStoreStats;
}

/**
 * Wraps any Store (in practice Redis) so that its failure costs a request tens of
 * milliseconds at most, never seconds, and the route decides what a failure means.
 *
 * - Every primary call races a `timeoutMs` timer. A late answer is dropped: the request was
 *   already answered by the fallback, and it is never answered twice. A dead Redis must not
 *   hold requests for seconds, the complaint of envoyproxy/ratelimit#462.
 * - A circuit breaker (circuit-breaker.ts) opens after `breaker.failures` errors or timeouts
 *   within `breaker.windowMs`. While open no call touches the primary; after `openMs` one probe
 *   at a time does, and its success closes the circuit: recovery is picked up by itself.
 * - When the primary cannot answer, the route's mode (`options.unavailable`) decides:
 *   `deny` throws EnumguardError 'ERR_STORE_UNAVAILABLE' (the pipeline answers 503); `allow`
 *   answers every check allowed, uncharged, marked `fallback: 'allow'`; `local` (the default)
 *   asks an in-process memory store enforcing this instance's share of each limit
 *   (ceil(limit / instances), ceil(burst / instances), at least 1), marked `fallback: 'local'`.
 *   The local store's distinct-target sets and risk scores start empty: a caller's history
 *   in Redis is not known to it. Detector signals that cannot reach the primary go there.
 *
 * The breaker only stops this wrapper from calling; the client must not queue either. Create
 * the ioredis client with `enableOfflineQueue: false` (commands fail at once while
 * disconnected instead of piling up and flooding Redis on reconnect) and a small
 * `maxRetriesPerRequest` (e.g. 1), so a command fails fast rather than retrying for seconds.
 */
export function createResilientStore(options: ResilientStoreOptions): ResilientStore {
  const { primary, clock, logger } = options;
  const timeoutMs = positiveMs('timeoutMs', options.timeoutMs ?? 50);
  const adminTimeoutMs = positiveMs('adminTimeoutMs', options.adminTimeoutMs ?? ADMIN_TIMEOUT_MS);
  const instances = options.instances ?? 1;
  if (typeof instances === 'number' && (!Number.isSafeInteger(instances) || instances < 1)) {
    throw new EnumguardError('ERR_CONFIG', `instances must be a positive integer, got ${instances}`);
  }
  const defaultMode = options.fallback?.mode ?? 'local';
  const local = createMemoryStore({ ...options.fallback?.local, clock });
  const instanceCount =
    typeof instances === 'number'
      ? () => instances
      : () => {
          const n = instances();
          return Number.isSafeInteger(n) && n >= 1 ? n : 1;
        };
  const share = createShareMapper(instanceCount);

  let primaryErrors = 0;
  let timeouts = 0;
  const fallbacks = { deny: 0, allow: 0, local: 0 };
  let signalFallbacks = 0;
  let lateAnswers = 0;
  const transitions = { open: 0, 'half-open': 0, closed: 0 };
  let lastError: ResilientStoreStats['lastError'];
  // A burst of failures is logged once: at its first error, until a primary call succeeds.
  let inBurst = false;
  // The errors our timer raised, told apart from the primary's own.
  const timedOut = new WeakSet<object>();

  const breaker = createCircuitBreaker({
    clock,
    ...options.breaker,
    onStateChange(state, previous) {
      transitions[state]++;
      const counts = { primaryErrors, timeouts, fallbacks: { ...fallbacks } };
      logger?.warn(
        { store: primary.name, state, previous, ...counts },
        state === 'open'
          ? `store ${primary.name} circuit open: answering from the fallback without calling it`
          : state === 'half-open'
            ? `store ${primary.name} circuit half-open: probing`
            : `store ${primary.name} circuit closed: the store answers again`,
      );
      options.onStateChange?.(state, previous);
    },
  });

  /** The primary's answer within timeoutMs, else a rejection; its late answer is dropped. */
  function bounded<T>(pending: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        const err = new EnumguardError(
          'ERR_STORE_UNAVAILABLE',
          `store ${primary.name} did not answer within ${timeoutMs} ms`,
        );
        timedOut.add(err);
        reject(err);
      }, timeoutMs);
      pending.then(
        (value) => {
          if (settled) lateAnswers++;
          else {
            settled = true;
            clearTimeout(timer);
            resolve(value);
          }
        },
        (err: unknown) => {
          if (settled) lateAnswers++;
          else {
            settled = true;
            clearTimeout(timer);
            // A rejection that is no Error still gets a code and keeps the value as the cause.
            reject(
              err instanceof Error
                ? err
                : new EnumguardError('ERR_STORE_UNAVAILABLE', String(err), { cause: err }),
            );
          }
        },
      );
    });
  }

  function succeeded(ticket: Ticket): void {
    inBurst = false;
    breaker.success(ticket);
  }

  /** Counts and logs a failed primary call; false for a configuration error, which is no outage. */
  function failed(ticket: Ticket, err: unknown): boolean {
    if (isEnumguardError(err, 'ERR_CONFIG')) {
      breaker.release(ticket);
      return false;
    }
    const kind = err instanceof Error && timedOut.has(err) ? 'timeout' : 'error';
    if (kind === 'timeout') timeouts++;
    else primaryErrors++;
    const message = err instanceof Error ? err.message : String(err);
    lastError = { at: clock.now(), kind, message };
    if (!inBurst) {
      inBurst = true;
      logger?.error(
        { err, store: primary.name, kind },
        `store ${primary.name} failed; answering from the fallback until it recovers`,
      );
    }
    breaker.failure(ticket);
    return true;
  }

  function fallback(
    mode: UnavailableMode,
    checks: readonly LimitCheck[],
    risk: RiskLookup | undefined,
    cause: unknown,
  ): RiskedOutcome {
    fallbacks[mode]++;
    if (mode === 'deny') {
      throw new EnumguardError('ERR_STORE_UNAVAILABLE', `store ${primary.name} is unavailable`, { cause });
    }
    if (mode === 'allow') return allowAll(checks);
    return { ...local.consume(share(checks), risk), fallback: 'local' };
  }

  function localSignal(risk: RiskLookup, signal: RiskSignal, cause: unknown): RiskReading {
    signalFallbacks++;
    logger?.warn(
      { store: primary.name, weight: signal.weight, shadow: signal.shadow, cause: describe(cause) },
      `store ${primary.name} unavailable: risk signal kept in the local store only`,
    );
    return local.signal(risk, signal);
  }

  /**
   * One guarded call: straight to `instead` while the circuit is open; otherwise the primary,
   * bounded by the timeout, its failures counted by the breaker and answered by `instead`.
   * Errors the breaker does not count (bad configuration) are thrown as they are.
   */
  function guarded<T>(call: () => T | Promise<T>, instead: (cause: unknown) => T): T | Promise<T> {
    const ticket = breaker.acquire();
    // Open (or a probe is out): answer at once, without touching the primary.
    if (ticket === undefined) return instead(CIRCUIT_OPEN);
    let answer: T | Promise<T>;
    try {
      answer = call();
    } catch (err) {
      if (!failed(ticket, err)) throw err;
      return instead(err);
    }
    if (!(answer instanceof Promise)) {
      succeeded(ticket);
      return answer;
    }
    return bounded(answer).then(
      (value) => {
        succeeded(ticket);
        return value;
      },
      (err: unknown) => {
        if (!failed(ticket, err)) throw err;
        return instead(err);
      },
    );
  }

  function consume(
    checks: readonly LimitCheck[],
    risk?: RiskLookup,
    opts?: ConsumeOptions,
  ): RiskedOutcome | Promise<RiskedOutcome> {
    const mode = opts?.unavailable ?? defaultMode;
    return guarded(
      () => primary.consume(checks, risk, opts),
      (cause) => fallback(mode, checks, risk, cause),
    );
  }

  function signal(risk: RiskLookup, sig: RiskSignal): RiskReading | Promise<RiskReading> {
    return guarded(
      () => primary.signal(risk, sig),
      (cause) => localSignal(risk, sig, cause),
    );
  }

  const primaryAdmin = primary.admin;
  return {
    name: `resilient(${primary.name})`,
    consume,
    signal,
    ...(primaryAdmin === undefined
      ? {}
      : { admin: resilientAdmin(primaryAdmin, local.admin, primary.name, adminTimeoutMs) }),
    clear() {
      void local.clear();
      return primary.clear();
    },
    async close() {
      await local.close();
      await primary.close();
    },
    stats: () => ({
      state: breaker.state(),
      primaryErrors,
      timeouts,
      fallbacks: { ...fallbacks },
      signalFallbacks,
      lateAnswers,
      transitions: { ...transitions },
      instances: instanceCount(),
      lastError,
    }),
  };
}

const CIRCUIT_OPEN = new EnumguardError(
  'ERR_STORE_UNAVAILABLE',
  'the circuit is open: the store failed recently and is not called',
);

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

function positiveMs(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new EnumguardError('ERR_CONFIG', `${name} must be a positive number, got ${value}`);
  }
  return value;
}
