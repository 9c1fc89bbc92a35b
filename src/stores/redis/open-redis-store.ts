// The one module of the package that loads ioredis at run time: open-policy-store.ts imports
// it with import() only when the policy names a Redis, so ioredis stays an optional peer.
import { Cluster, Redis } from 'ioredis';
import type { RedisStoreConfig } from '../../policy/types.ts';
import { createInstanceCount } from '../instance-count.ts';
import { createInstanceHeartbeat, type InstanceHeartbeatOptions } from '../instance-heartbeat.ts';
import { SILENT_LOGGER, type PolicyStoreOptions, type RedisStreamWriter } from '../policy-store-types.ts';
import { createResilientStore, type ResilientStore, type ResilientStoreStats } from '../resilient-store.ts';
import { warnIfEvictionPolicyUnsafe, type ConfigReader } from './eviction-policy.ts';
import { createRedisStore } from './redis-store.ts';

export interface OpenedRedisStore {
  readonly store: ResilientStore;
  /** What the startup log says about the store (no password, no seed). */
  readonly summary: Record<string, unknown>;
  /** Gateways heartbeating on this Redis at the last beat (undefined before one answered), and the share's divisor. */
  instances(): { readonly observed: number | undefined; readonly enforced: number };
  /** Appends to a Redis stream on the same client (alerts.redisStream). */
  readonly streams: RedisStreamWriter;
  /** Stops the heartbeat (removing this instance) and the outage reminder, closes the stores and the client. */
  close(): Promise<void>;
}

export interface OpenRedisStoreOptions extends PolicyStoreOptions {
  /** How often a warning repeats while the circuit is not closed (default 10 s). */
  readonly remindEveryMs?: number;
  /** Milliseconds between instance heartbeats (default 5 s; tests shorten it). */
  readonly heartbeatEveryMs?: number;
  /** Tests only: drives the heartbeat by hand instead of its timer (InstanceHeartbeatOptions.schedule). */
  readonly heartbeatSchedule?: InstanceHeartbeatOptions['schedule'];
}

/** ioredis reconnects on its own: every 50 ms, 100 ms, … at most once a second. */
const retryStrategy = (attempt: number): number => Math.min(1000, 50 * attempt);
/** A Redis that accepts no TCP connection must not hold a (re)connect attempt for ioredis' default 10 s. */
const CONNECT_TIMEOUT_MS = 2000;

/**
 * The store when the policy names a Redis (issue 5): an ioredis client, the Redis
 * store on it, and the resilient wrapper (timeout, circuit breaker, each route's
 * storeUnavailable mode) around that.
 *
 * - The client has no offline queue (`enableOfflineQueue: false`): while disconnected a command
 *   fails at once instead of waiting, and nothing piles up to flood Redis on reconnect.
 *   `maxRetriesPerRequest: 1`: a command caught by a dropped connection fails, not retries.
 * - connect() is started, not awaited: a gateway whose Redis is down at startup starts anyway,
 *   logs a warning, and answers by each route's mode until ioredis' reconnect succeeds; the
 *   breaker's half-open probe then closes the circuit by itself.
 * - Logs: one warning when the connection is lost (not one per reconnect attempt), one info
 *   when it is back, the wrapper's circuit state changes, and a reminder every `remindEveryMs`
 *   while the circuit is not closed, with the wrapper's counters (errors, timeouts, fallbacks
 *   by mode), the nearest thing to metrics the gateway has.
 */
export function openRedisStore(config: RedisStoreConfig, options: OpenRedisStoreOptions): OpenedRedisStore {
  const { clock } = options;
  const logger = options.logger ?? SILENT_LOGGER;
  const where = describeTarget(config);
  // username/passwordEnv (never in the policy file): AUTH on the standalone, or on every cluster node.
  const auth =
    config.auth === undefined ? {} : { username: config.auth.username, password: config.auth.password };
  const client =
    config.target.mode === 'standalone'
      ? new Redis(config.target.url, {
          ...auth,
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          lazyConnect: true,
          connectTimeout: CONNECT_TIMEOUT_MS,
          retryStrategy,
        })
      : new Cluster(
          config.target.nodes.map((n) => ({ host: n.host, port: n.port })),
          {
            enableOfflineQueue: false,
            lazyConnect: true,
            clusterRetryStrategy: retryStrategy,
            // The Cluster sets each node's offline queue and retry strategy from its own options.
            redisOptions: { ...auth, maxRetriesPerRequest: 1, connectTimeout: CONNECT_TIMEOUT_MS },
          },
        );

  // An 'error' event without a listener is printed by ioredis on every reconnect attempt.
  let down = false;
  let everReady = false;
  let lastError = '';
  client.on('error', (err: Error) => {
    lastError = err.message;
    if (down) return;
    down = true;
    logger.warn(
      { redis: where, error: err.message },
      'redis connection lost or refused; ioredis keeps reconnecting, routes answer by their storeUnavailable mode',
    );
  });
  // The gateways count each other (instances: auto) or check the configured count against the live one.
  const count = createInstanceCount(config.instances, logger);
  const heartbeat = createInstanceHeartbeat({
    client,
    prefix: config.prefix,
    logger,
    onCount: count.observe,
    ...(options.heartbeatEveryMs === undefined ? {} : { everyMs: options.heartbeatEveryMs }),
    ...(options.heartbeatSchedule === undefined ? {} : { schedule: options.heartbeatSchedule }),
  });
  heartbeat.start();
  client.on('ready', () => {
    if (down || !everReady)
      logger.info({ redis: where }, everReady ? 'redis reconnected' : 'redis connected');
    // Once per process: an evicting maxmemory-policy hands spent budgets back (issue 13, item 1).
    if (!everReady) void warnIfEvictionPolicyUnsafe(configNodes(client, where), logger);
    down = false;
    everReady = true;
    // Counted at once, not a beat later: a gateway that starts is seen by the others' next beat.
    void heartbeat.beat();
  });
  client.connect().catch((err: unknown) => {
    logger.warn(
      { redis: where, error: lastError || (err instanceof Error ? err.message : String(err)) },
      'redis is not reachable at startup; the gateway starts anyway and uses Redis once it answers',
    );
    down = true;
  });

  const primary = createRedisStore({
    client,
    prefix: config.prefix,
    ...(config.seed ? { seed: config.seed } : {}),
    // The decisions of one event-loop turn share one script call (standalone Redis; a cluster
    // sends each alone): no added wait, and fewer round trips and Redis calls under load.
    batch: { maxDelayMs: 0, maxSize: 64 },
  });
  const store = createResilientStore({
    primary,
    clock,
    timeoutMs: config.timeoutMs,
    instances: count.current,
    logger,
    ...(options.onCircuitChange === undefined ? {} : { onStateChange: options.onCircuitChange }),
    fallback: {
      local: {
        ...(options.maxKeys === undefined ? {} : { maxKeys: options.maxKeys }),
        ...(options.maxRiskRecords === undefined ? {} : { maxRiskRecords: options.maxRiskRecords }),
      },
    },
  });

  let last: ResilientStoreStats = store.stats();
  const remind = setInterval(() => {
    const now = store.stats();
    if (now.state !== 'closed') {
      logger.warn(
        {
          redis: where,
          state: now.state,
          primaryErrors: now.primaryErrors - last.primaryErrors,
          timeouts: now.timeouts - last.timeouts,
          fallbacks: {
            deny: now.fallbacks.deny - last.fallbacks.deny,
            allow: now.fallbacks.allow - last.fallbacks.allow,
            local: now.fallbacks.local - last.fallbacks.local,
          },
          lastError: now.lastError?.message,
        },
        'store circuit still not closed: answering by each route storeUnavailable mode (counts since the last line)',
      );
    }
    last = now;
  }, options.remindEveryMs ?? 10_000);
  remind.unref();

  const streams: RedisStreamWriter = {
    async xadd(key, maxLen, entries) {
      // One key, so one slot: a pipeline is valid on a cluster too.
      const pipeline = client.pipeline();
      for (const fields of entries) pipeline.xadd(key, 'MAXLEN', '~', maxLen, '*', ...fields);
      const results = await pipeline.exec();
      const failed = results?.find(([err]) => err !== null)?.[0];
      if (failed) throw failed;
    },
  };

  return {
    store,
    streams,
    summary: {
      kind: 'redis',
      redis: where,
      prefix: config.prefix,
      seed: config.seedEnv === undefined ? 'default (fixed, public)' : `from ${config.seedEnv}`,
      timeoutMs: config.timeoutMs,
      instances: config.instances,
      auth:
        config.auth === undefined
          ? 'none'
          : `${config.auth.username ?? 'default'} user, password from ${config.auth.passwordEnv}`,
    },
    instances: () => ({ observed: count.observed(), enforced: count.current() }),
    async close() {
      clearInterval(remind);
      await heartbeat.stop();
      await store.close();
      // quit() waits for replies to commands already sent; a client that is not connected has
      // nothing to wait for (and quit() would only fail without an offline queue).
      if (client.status === 'ready') {
        await client.quit().catch(() => client.disconnect());
      } else client.disconnect();
    },
  };
}

/** The nodes whose maxmemory-policy matters: the standalone, or every cluster master. */
function configNodes(client: Redis | Cluster, where: string): { name: string; client: ConfigReader }[] {
  if (client instanceof Cluster) {
    return client.nodes('master').map((node) => ({
      name: `${node.options.host ?? '?'}:${node.options.port ?? '?'}`,
      client: node,
    }));
  }
  return [{ name: where, client: client }];
}

/** `redis://host:port/db` without user or password, or the cluster's nodes. */
export function describeTarget(config: RedisStoreConfig): string {
  if (config.target.mode === 'cluster') {
    return `cluster ${config.target.nodes.map((n) => (n.host.includes(':') ? `[${n.host}]:${n.port}` : `${n.host}:${n.port}`)).join(',')}`;
  }
  const url = new URL(config.target.url);
  url.username = '';
  url.password = '';
  return url.toString();
}
