import { resolve } from 'node:path';
import * as z from 'zod';
import { isUnread, type Environment } from './environment.ts';
import { envNameField } from './detect-section.ts';
import { durationField, field } from './fields.ts';
import type { RawIssue } from './issues.ts';
import type { RedisAuth, RedisNodeAddress, StoreConfig } from './types.ts';
import { describeValue, fail, ok, parsePositiveInt, type FieldResult, type PathSegment } from './values.ts';

/**
 * `server.store`: where the gateway keeps its counters. Either the in-process memory store
 * with a snapshot file (`snapshot`), or a Redis/Valkey shared by every gateway instance
 * (`redis: <url>` or `cluster: [host:port, ...]`, issue 5). Exactly one of the three; the
 * keys of one variant are errors in the other, so a half-edited store section never runs as
 * something the operator did not mean.
 */
export const STORE_DEFAULTS = {
  snapshotEveryMs: 30_000,
  prefix: 'eg',
  // Tens of milliseconds (issue 5): a dead Redis must cost a request little, never seconds.
  timeoutMs: 50,
  // Count the gateways through Redis (src/stores/instance-heartbeat.ts) rather than trust a number.
  instances: 'auto',
} as const;

// Each snapshot writes the whole store (about 1.2 KB per key holding 300 targets): more often
// than once a second would spend the disk on copies nobody restores.
const MAX_TIMER_MS = 2 ** 31 - 1;
const snapshotEveryField = field((v) => {
  const r = durationField.safeParse(v);
  if (!r.success) return fail<number>(r.error.issues[0]?.message ?? 'expected a duration');
  if (r.data < 1000) return fail<number>(`expected at least 1s between snapshots, got ${describeValue(v)}`);
  // Node runs a timer of more than 2^31 - 1 ms (24.8 days) after 1 ms instead: it would save
  // without pause.
  if (r.data > MAX_TIMER_MS)
    return fail<number>(`expected at most 24d between snapshots, got ${describeValue(v)}`);
  return ok(r.data);
});

/** A URL may carry a password (redis://:secret@host): a message never shows one. */
function shownUrl(v: unknown): string {
  return typeof v === 'string' && v.includes('@') ? 'a URL with credentials (not shown)' : describeValue(v);
}

const redisUrlField = field((v) => {
  if (typeof v === 'string' && URL.canParse(v)) {
    const url = new URL(v);
    if ((url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '') return ok(v);
  }
  return fail<string>(
    `expected a redis:// or rediss:// URL like "redis://127.0.0.1:6379", got ${shownUrl(v)}`,
  );
});

const NODE_RE = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;
const clusterNodeField = field((v): FieldResult<RedisNodeAddress> => {
  const m = typeof v === 'string' ? NODE_RE.exec(v) : null;
  const port = Number(m?.[2]);
  if (m && port >= 1 && port <= 65535) return ok({ host: (m[1] as string).replace(/^\[|\]$/g, ''), port });
  return fail(`expected a cluster node "host:port" like "127.0.0.1:7000", got ${describeValue(v)}`);
});

// The prefix starts every key; a "{" or "}" in it would become the Redis Cluster hash tag and
// put every key in one slot.
const PREFIX_RE = /^[A-Za-z0-9_.:-]{1,64}$/;
const prefixField = field((v) =>
  typeof v === 'string' && PREFIX_RE.test(v)
    ? ok(v)
    : fail<string>(
        `expected a key prefix of up to 64 letters, digits, "_", ".", ":" or "-" like "eg", got ${describeValue(v)}`,
      ),
);

const timeoutField = field((v) => {
  const r = durationField.safeParse(v);
  if (!r.success) return fail<number>(r.error.issues[0]?.message ?? 'expected a duration');
  if (r.data < 1 || r.data > 10_000)
    return fail<number>(`expected a timeout from 1ms to 10s, got ${describeValue(v)}`);
  return ok(r.data);
});

const instancesField = field((v): FieldResult<number | 'auto'> => {
  if (v === 'auto') return ok('auto');
  const n = parsePositiveInt(v);
  return n.ok ? n : fail(`expected a positive integer or "auto", got ${describeValue(v)}`);
});

// An ACL user name: printable, no spaces (Redis ACL rules forbid them in user names).
const USERNAME_RE = /^[!-~]{1,128}$/;
const usernameField = field((v) =>
  typeof v === 'string' && USERNAME_RE.test(v)
    ? ok(v)
    : fail<string>(`expected a Redis ACL user name like "enumguard", got ${describeValue(v)}`),
);

export const storeSchema = z.strictObject({
  snapshot: field((v) =>
    typeof v === 'string' && v !== ''
      ? ok(v)
      : fail<string>(`expected a non-empty string, got ${describeValue(v)}`),
  ).optional(),
  // No defaults here: buildStore must know which keys were written to refuse the other variant's.
  snapshotEvery: snapshotEveryField.optional(),
  redis: redisUrlField.optional(),
  cluster: z.array(clusterNodeField).min(1).optional(),
  prefix: prefixField.optional(),
  seedEnv: envNameField.optional(),
  timeout: timeoutField.optional(),
  instances: instancesField.optional(),
  // The password never sits in the policy file: passwordEnv names the variable holding it.
  username: usernameField.optional(),
  passwordEnv: envNameField.optional(),
});

export type StoreDocument = z.output<typeof storeSchema>;

const REDIS_ONLY = ['prefix', 'seedEnv', 'timeout', 'instances', 'username', 'passwordEnv'] as const;

/** The validated section → StoreConfig, or undefined with issues pushed. */
export function buildStore(
  doc: StoreDocument,
  at: readonly PathSegment[],
  baseDir: string,
  env: Environment,
  issues: RawIssue[],
): StoreConfig | undefined {
  const given = (['snapshot', 'redis', 'cluster'] as const).filter((k) => doc[k] !== undefined);
  if (given.length !== 1) {
    issues.push({
      path: at,
      message:
        'set exactly one of snapshot, redis or cluster' +
        (given.length > 1 ? `, got ${given.slice(0, -1).join(', ')} and ${given.at(-1)}` : ''),
    });
    return undefined;
  }
  if (doc.snapshot !== undefined) {
    const stray = REDIS_ONLY.filter((k) => doc[k] !== undefined);
    for (const k of stray)
      issues.push({ path: [...at, k], message: `applies to redis or cluster, not to snapshot` });
    if (stray.length > 0) return undefined;
    return {
      kind: 'memory',
      snapshotPath: resolve(baseDir, doc.snapshot),
      snapshotEveryMs: doc.snapshotEvery ?? STORE_DEFAULTS.snapshotEveryMs,
    };
  }
  if (doc.snapshotEvery !== undefined) {
    issues.push({
      path: [...at, 'snapshotEvery'],
      message: `applies to snapshot (the memory store), not to ${given[0]}`,
    });
    return undefined;
  }
  const seed = doc.seedEnv === undefined ? undefined : readSeed(doc.seedEnv, [...at, 'seedEnv'], env, issues);
  if (doc.seedEnv !== undefined && seed === undefined) return undefined;
  const auth = readAuth(doc, at, env, issues);
  if (auth === null) return undefined;
  return {
    kind: 'redis',
    target:
      doc.redis !== undefined
        ? { mode: 'standalone', url: doc.redis }
        : { mode: 'cluster', nodes: doc.cluster ?? [] },
    prefix: doc.prefix ?? STORE_DEFAULTS.prefix,
    seed,
    seedEnv: doc.seedEnv,
    timeoutMs: doc.timeout ?? STORE_DEFAULTS.timeoutMs,
    instances: doc.instances ?? STORE_DEFAULTS.instances,
    auth,
  };
}

/**
 * `username` and `passwordEnv`: AUTH for every node of a cluster, or for a standalone whose URL
 * carries no credentials. undefined: no AUTH; null: issues were pushed. Never echoes the password.
 */
function readAuth(
  doc: StoreDocument,
  at: readonly PathSegment[],
  env: Environment,
  issues: RawIssue[],
): RedisAuth | undefined | null {
  if (doc.passwordEnv === undefined) {
    if (doc.username === undefined) return undefined;
    issues.push({
      path: [...at, 'username'],
      message: 'username needs passwordEnv, the environment variable holding its password',
    });
    return null;
  }
  if (doc.redis !== undefined) {
    const url = new URL(doc.redis);
    if (url.username !== '' || url.password !== '') {
      issues.push({
        path: [...at, 'passwordEnv'],
        message:
          'the redis URL already carries credentials: keep them in the URL or in username/passwordEnv, not both',
      });
      return null;
    }
  }
  // A stand-in when the environment is not read (policy validation): never a real password.
  const password = isUnread(env) ? 'unread' : env[doc.passwordEnv];
  if (password === undefined || password === '') {
    issues.push({
      path: [...at, 'passwordEnv'],
      message: `environment variable ${doc.passwordEnv} is not set`,
    });
    return null;
  }
  return { username: doc.username, password, passwordEnv: doc.passwordEnv };
}

const SEED_RE = /^\s*(-?\d{1,10})\s*,\s*(-?\d{1,10})\s*$/;

/** "a,b": two 32-bit integers (signed or unsigned). Never echoes the value: it is a secret. */
function readSeed(
  name: string,
  at: readonly PathSegment[],
  env: Environment,
  issues: RawIssue[],
): readonly [number, number] | undefined {
  const value = isUnread(env) ? '0,0' : env[name]; // a stand-in when the environment is not read
  if (value === undefined || value === '') {
    issues.push({ path: at, message: `environment variable ${name} is not set` });
    return undefined;
  }
  const m = SEED_RE.exec(value);
  const a = Number(m?.[1]);
  const b = Number(m?.[2]);
  const in32 = (n: number): boolean => Number.isSafeInteger(n) && n >= -(2 ** 31) && n < 2 ** 32;
  if (!m || !in32(a) || !in32(b)) {
    issues.push({
      path: at,
      message: `environment variable ${name} must hold two 32-bit integers like "1234567,89012345", got ${value.length} characters`,
    });
    return undefined;
  }
  return [a | 0, b | 0];
}
