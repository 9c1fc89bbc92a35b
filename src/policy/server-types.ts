/**
 * The policy's `server:` section once compiled: listeners, proxies, the store and the admin and
 * metrics endpoints. Re-exported by types.ts with the rest of the compiled policy.
 */
export interface ServerConfig {
  /** CIDRs of proxies whose forwarding headers are believed, e.g. ["10.0.0.0/8", "::1/128"]. */
  readonly trustedProxies: readonly string[];
  /**
   * Which forwarding header trusted proxies write. "auto" reads whichever one arrives and,
   * when both arrive and disagree, refuses the request (400): a proxy that appends to
   * X-Forwarded-For passes a client's forged Forwarded header through untouched, and keying
   * by the proxy's own address would hand that client a bucket shared by all behind it.
   */
  readonly forwardedHeader: 'auto' | 'forwarded' | 'x-forwarded-for';
  /** Largest request body accepted, in bytes (413 past it). */
  readonly bodyLimitBytes: number;
  /** Time allowed to receive the request headers (slowloris guard). */
  readonly headersTimeoutMs: number;
  /** Time allowed to receive the whole request. */
  readonly requestTimeoutMs: number;
  /** Idle keep-alive connections are closed after this. */
  readonly idleTimeoutMs: number;
  /** Time allowed for the upstream to answer (504 past it). */
  readonly upstreamTimeoutMs: number;
  /**
   * Where counters live: the memory store with a snapshot, or a Redis shared by every
   * instance. Undefined: the memory store, lost on restart. Read at start only.
   */
  readonly store: StoreConfig | undefined;
  /**
   * The Prometheus endpoint's own listener (`server.metrics`); undefined: no metrics endpoint.
   * Read at start only.
   */
  readonly metrics: MetricsConfig | undefined;
  /** The admin API and dashboard's own listener (`server.admin`); undefined: none. Read at start only. */
  readonly admin: AdminConfig | undefined;
}

/** `server.admin`: the admin API and dashboard, apart from the gateway's port. */
export interface AdminConfig {
  /** An IP literal or "localhost"; default 127.0.0.1. */
  readonly host: string;
  /** Default 9465; 0 picks a free port. */
  readonly port: number;
  /** The environment variable holding the bearer token (default ENUMGUARD_ADMIN_TOKEN). */
  readonly tokenEnv: string;
  /** Most live event streams (SSE) open at once (default 16). */
  readonly maxStreams: number;
  /**
   * Host header values answered besides the listener's own address and localhost at its port
   * (default none): e.g. the name a TLS proxy in front forwards. Others get 421 (DNS rebinding).
   */
  readonly hosts: readonly string[];
}

/** `server.metrics`: where the Prometheus text exposition is served, apart from the gateway's port. */
export interface MetricsConfig {
  /** An IP literal or "localhost"; default 127.0.0.1. */
  readonly host: string;
  /** Default 9464; 0 picks a free port. */
  readonly port: number;
  /** Default "/metrics". */
  readonly path: string;
}

export type StoreConfig = MemoryStoreConfig | RedisStoreConfig;

/** `server.store.snapshot`: the in-process memory store, saved to a file. */
export interface MemoryStoreConfig {
  readonly kind: 'memory';
  /** Absolute path of the snapshot file (relative ones are resolved against the policy's directory). */
  readonly snapshotPath: string;
  /** Time between periodic snapshots; one more is written on graceful shutdown. */
  readonly snapshotEveryMs: number;
}

export interface RedisNodeAddress {
  readonly host: string;
  readonly port: number;
}

/** `server.store.redis` or `server.store.cluster`: one Redis/Valkey shared by every instance (issue 5). */
export interface RedisStoreConfig {
  readonly kind: 'redis';
  readonly target:
    | { readonly mode: 'standalone'; readonly url: string }
    | { readonly mode: 'cluster'; readonly nodes: readonly RedisNodeAddress[] };
  /** First part of every key (default "eg"). */
  readonly prefix: string;
  /** Fingerprint seed read from `seedEnv`; undefined: the Redis store's fixed default seed. */
  readonly seed: readonly [number, number] | undefined;
  /** The environment variable the seed came from, for logs (never the seed itself). */
  readonly seedEnv: string | undefined;
  /** Most milliseconds one store call may take before the route's storeUnavailable mode answers. */
  readonly timeoutMs: number;
  /**
   * Gateway instances sharing the Redis: `local` fallback enforces limit / instances here.
   * 'auto' (the default): as many as the instances' heartbeat observes (src/stores/instance-count.ts).
   */
  readonly instances: number | 'auto';
  /** AUTH for the standalone or every cluster node, from `username`/`passwordEnv`; undefined: none. */
  readonly auth: RedisAuth | undefined;
}

export interface RedisAuth {
  /** An ACL user; undefined: the default user (`requirepass`). */
  readonly username: string | undefined;
  /** Read from the environment at load. Never logged, never in a message. */
  readonly password: string;
  /** The variable it came from, for logs. */
  readonly passwordEnv: string;
}
