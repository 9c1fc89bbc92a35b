import type { Clock } from '../core/clock.ts';
import type { StoreConfig } from '../policy/types.ts';
import type { BreakerState } from './circuit-breaker.ts';
import type { ResilientStoreStats } from './resilient-store.ts';
import type { Store } from './store.ts';

/**
 * What the assembled stores log: snapshots saved and restored, Redis lost and back, the
 * circuit's state, the gateways counted. pino's logger fits it.
 */
export interface PolicyStoreLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface PolicyStoreOptions {
  /** The store's time (and its circuit breaker's); the pipeline's clock, in production the system clock. */
  readonly clock: Clock;
  /** Without one nothing is logged: pass one to hear of Redis outages and unusable snapshots. */
  readonly logger?: PolicyStoreLogger | undefined;
  /** Bound of the memory store (with Redis: of the local fallback store); the memory store's default if unset. */
  readonly maxKeys?: number | undefined;
  /** Bound of the memory store's risk records (with Redis: of the local fallback's); the default if unset. */
  readonly maxRiskRecords?: number | undefined;
  /** The shared store's circuit changed state (Redis): what the event stream reports as store-fallback/recovered. */
  readonly onCircuitChange?: ((state: BreakerState, previous: BreakerState) => void) | undefined;
}

/**
 * Appends to a Redis stream on the store's own connection (alerts.redisStream): one pipeline
 * of `XADD key MAXLEN ~ maxLen * <fields>` per batch; rejects when Redis refuses or is away.
 */
export interface RedisStreamWriter {
  xadd(key: string, maxLen: number, entries: readonly (readonly string[])[]): Promise<void>;
}

/** The store a policy's `server.store` names, running, with what its owner needs to watch and stop it. */
export interface PolicyStore {
  /** What the pipeline decides with: the memory store, or the Redis store behind the resilient wrapper. */
  readonly store: Store;
  readonly kind: StoreConfig['kind'];
  /** For a startup log line: where the counters live (no password, no seed). */
  readonly summary: Readonly<Record<string, unknown>>;
  /** The resilient wrapper's counters and circuit state; undefined for the memory store. */
  stats(): ResilientStoreStats | undefined;
  /** With a Redis store: writes to a stream on its connection; undefined for the memory store. */
  readonly streams?: RedisStreamWriter | undefined;
  /** A snapshot now (memory store with a snapshot file); nothing for the others. */
  save(): Promise<void>;
  /** Stops timers and heartbeats, saves a last snapshot, closes the store and its Redis client. */
  close(): Promise<void>;
}

/** The logger used when the caller passes none. */
export const SILENT_LOGGER: PolicyStoreLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
