import type { CompiledPolicy } from '../policy/types.ts';
import { openPersistedStore } from './persisted-store.ts';
import { SILENT_LOGGER, type PolicyStore, type PolicyStoreOptions } from './policy-store-types.ts';
import { loadRedisAssembly } from './redis-loader.ts';

/**
 * Opens the store the policy's `server.store` names, ready for `createPipeline`:
 *
 * - none: the memory store; its counters are lost on restart;
 * - `snapshot`: the memory store, restored from its file at start and saved periodically and
 *   on close (persisted-store.ts);
 * - `redis` / `cluster`: the Redis store behind the resilient wrapper (timeout, circuit
 *   breaker, each route's storeUnavailable mode), with the gateways' heartbeat
 *   (redis/open-redis-store.ts). Only these import ioredis, an optional peer dependency, and
 *   only when opened (redis-loader.ts).
 *
 * Only `server.store` is read: a policy reloaded later cannot move a store already running.
 * The caller owns the result and calls `close()` when done.
 */
export async function openPolicyStore(
  policy: Pick<CompiledPolicy, 'server'>,
  options: PolicyStoreOptions,
): Promise<PolicyStore> {
  const config = policy.server.store;
  const logger = options.logger ?? SILENT_LOGGER;
  if (config?.kind === 'redis') {
    const { openRedisStore } = await loadRedisAssembly(config);
    const redis = openRedisStore(config, { ...options, logger });
    return {
      store: redis.store,
      kind: 'redis',
      summary: redis.summary,
      stats: () => redis.store.stats(),
      streams: redis.streams,
      save: () => Promise.resolve(),
      close: () => redis.close(),
    };
  }
  const persisted = await openPersistedStore({ ...options, logger, snapshot: config });
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
