import type { Logger } from 'pino';
import type { Clock } from '../core/clock.ts';
import type { StoreConfig } from '../policy/types.ts';
import type { ResilientStoreStats } from '../stores/resilient-store.ts';
import type { Store } from '../stores/store.ts';
import { openPersistedStore } from './persisted-store.ts';
import { openRedisStore } from './redis-store.ts';

export interface GatewayStore {
  readonly store: Store;
  readonly kind: StoreConfig['kind'];
  /** The `store` field of the gateway's startup log line. */
  readonly summary: Record<string, unknown>;
  /** The resilient wrapper's counters and circuit state; undefined for the memory store. */
  stats(): ResilientStoreStats | undefined;
  /** A snapshot now (memory store with a snapshot file); nothing for the others. */
  save(): Promise<void>;
  close(): Promise<void>;
}

export interface GatewayStoreOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly maxKeys?: number | undefined;
}

/** The store `server.store` names: memory (optionally with a snapshot) or Redis behind the resilient wrapper. */
export async function openGatewayStore(
  config: StoreConfig | undefined,
  options: GatewayStoreOptions,
): Promise<GatewayStore> {
  if (config?.kind === 'redis') {
    const redis = openRedisStore(config, options);
    return {
      store: redis.store,
      kind: 'redis',
      summary: redis.summary,
      stats: () => redis.store.stats(),
      save: () => Promise.resolve(),
      close: () => redis.close(),
    };
  }
  const persisted = await openPersistedStore({ ...options, snapshot: config });
  return {
    store: persisted.store,
    kind: 'memory',
    summary:
      config === undefined
        ? { kind: 'memory', snapshot: 'none: counters are lost on restart' }
        : { kind: 'memory', snapshot: config.snapshotPath, snapshotEveryMs: config.snapshotEveryMs },
    stats: () => undefined,
    save: () => persisted.save(),
    close: () => persisted.close(),
  };
}
