/**
 * The Redis store's figures (issue 5), against rate-limiter-flexible's RateLimiterRedis on the
 * same Redis in the same run:
 *
 *   1. single-limit decisions/s at 256 requests in flight (enumguard, unbatched and batched,
 *      against RateLimiterRedis);
 *   2. the realistic route: 4 limits + a distinct-target limit with 50 targets, one round trip;
 *   3. decision latency while Redis is down, behind createResilientStore, breaker open.
 *
 *   npx tsx bench/redis.ts [--requests 200000] [--route-requests 50000] [--rounds 3] [--redis 127.0.0.1:6379]
 *
 * Every side gets its own ioredis client with the same options (one connection each, no auto
 * pipelining), the same pre-drawn key sequence, a warm-up, then the sides alternate round by
 * round so drift hits all alike. Keys live under a random prefix and are deleted at the end.
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { LimitCheck, LimitSpec } from '../src/core/limit.ts';
import { seededRng } from '../src/core/rng.ts';
import { systemClock } from '../src/runtime/system-clock.ts';
import { createRedisStore } from '../src/stores/redis/redis-store.ts';
import { createResilientStore } from '../src/stores/resilient-store.ts';
import type { Store } from '../src/stores/store.ts';
import { floorTo, perSecText } from './decisions.ts';
import { freePort } from './free-port.ts';
import { address, NEVER_DENY, subnet } from './keys.ts';
import { median } from './wrk.ts';

const KEYS = 100_000;
const IDENTITIES = 1_000;
/** Each request's 50 targets come from this many numbers: the target sets stay bounded (≤ 1,000 per identity). */
const TARGET_POOL = 1_000;
const TARGETS_PER_REQUEST = 50;
export const IN_FLIGHT = 256;

/** The goals from the issue, judged on unrounded figures. */
export const SINGLE_GOAL = 2;
export const ROUTE_GOAL = 1;
export const DOWN_P99_GOAL_MS = 5;

export interface SideResult {
  readonly name: string;
  /** Median decisions per second over the rounds. */
  readonly perSec: number;
  readonly rounds: readonly number[];
}

export interface LatencyResult {
  readonly inFlight: number;
  readonly decisions: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly perSec: number;
  /** Consume calls that reached the (dead) primary while measuring: half-open probes. */
  readonly primaryCalls: number;
  readonly fallbacks: number;
}

export interface RedisBench {
  readonly requests: number;
  /** Per round on the realistic route (about 10× slower per decision, so fewer). */
  readonly routeRequests: number;
  readonly rounds: number;
  readonly redis: string;
  readonly redisVersion: string;
  /** 1-minute load average when the run started and when it ended (other processes share the machine). */
  readonly load: readonly [number, number];
  readonly single: { readonly ours: SideResult; readonly batched: SideResult; readonly peer: SideResult };
  readonly route: { readonly ours: SideResult; readonly batched: SideResult };
  /** Share of the route's targets that were new to their set during the measured rounds. */
  readonly routeNewTargets: number;
  readonly down: readonly LatencyResult[];
}

interface Side {
  readonly name: string;
  /** Decides request number i of the sequence. */
  decide(i: number): Promise<void>;
}

const gcra = (id: string): LimitSpec => ({
  id,
  algorithm: 'gcra',
  limit: NEVER_DENY,
  windowMs: 1000,
  burst: NEVER_DENY,
});
const windowed = (id: string, algorithm: 'sliding-window' | 'fixed-window'): LimitSpec => ({
  id,
  algorithm,
  limit: NEVER_DENY,
  windowMs: 1000,
  burst: NEVER_DENY,
});

const phone = (n: number): string => `+1415555${String(n).padStart(4, '0')}`;

function denied(name: string): never {
  throw new Error(`${name} denied a decision: the benchmark must only measure allows`);
}

function parseHostPort(s: string): { host: string; port: number } {
  const at = s.lastIndexOf(':');
  return { host: s.slice(0, at), port: Number(s.slice(at + 1)) };
}

/** Same options for every side: one connection, default ioredis behaviour. */
function client(at: { host: string; port: number }): Redis {
  return new Redis({ host: at.host, port: at.port, maxRetriesPerRequest: 1 });
}

/** Runs `total` decisions with `inFlight` outstanding at all times; decisions per second. */
async function drive(side: Side, first: number, total: number, inFlight = IN_FLIGHT): Promise<number> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const i = first + next++;
      await side.decide(i);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  return total / ((performance.now() - start) / 1000);
}

/** Warm each side up, then alternate them round by round. Every round walks a fresh stretch of the sequence. */
async function compare(sides: Side[], requests: number, rounds: number): Promise<SideResult[]> {
  const warm = Math.max(10_000, Math.floor(requests / 4));
  for (const side of sides) await drive(side, 0, warm);
  const perRound = sides.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    for (const [i, side] of sides.entries()) {
      (perRound[i] as number[]).push(await drive(side, warm + r * requests, requests));
    }
  }
  return sides.map((side, i) => ({
    name: side.name,
    perSec: median(perRound[i] as number[]),
    rounds: perRound[i] as number[],
  }));
}

/** Deletes every key under `pattern` (SCAN + UNLINK). */
async function unlinkAll(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = nextCursor;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}

async function single(
  at: { host: string; port: number },
  prefix: string,
  length: number,
  requests: number,
  rounds: number,
): Promise<RedisBench['single']> {
  const rng = seededRng(5);
  const draw = Int32Array.from({ length }, () => rng.int(KEYS));
  const spec = gcra('discover/per-ip');
  const keys = Array.from({ length: KEYS }, (_, i) => `discover/per-ip:${address(i)}`);
  const checks: LimitCheck[][] = keys.map((key) => [{ spec, key, cost: 1 }]);
  const clients = [client(at), client(at), client(at)] as const;
  const ours = createRedisStore({ client: clients[0], prefix: `${prefix}-s`, seed: [7, 9] });
  const batched = createRedisStore({
    client: clients[1],
    prefix: `${prefix}-b`,
    seed: [7, 9],
    batch: { maxDelayMs: 0, maxSize: 64 },
  });
  const peer = new RateLimiterRedis({
    storeClient: clients[2],
    keyPrefix: `${prefix}-rlf`,
    points: NEVER_DENY,
    duration: 1,
  });
  const storeSide = (name: string, store: Store): Side => ({
    name,
    async decide(i) {
      if (!(await store.consume(checks[draw[i] as number] as LimitCheck[])).allowed) denied(name);
    },
  });
  try {
    const [o, b, p] = (await compare(
      [
        storeSide('enumguard Redis store, 1 EVALSHA per decision', ours),
        storeSide('enumguard Redis store, batched (maxSize 64, same tick)', batched),
        {
          name: 'rate-limiter-flexible RateLimiterRedis, consume(key)',
          async decide(i) {
            // consume() rejects on a denial, so an unexpected deny ends the run with its reason.
            await peer.consume(keys[draw[i] as number] as string);
          },
        },
      ],
      requests,
      rounds,
    )) as [SideResult, SideResult, SideResult];
    return { ours: o, batched: b, peer: p };
  } finally {
    await ours.clear();
    await batched.clear();
    await unlinkAll(clients[2], `${prefix}-rlf*`);
    for (const c of clients) c.disconnect();
  }
}

async function route(
  at: { host: string; port: number },
  prefix: string,
  length: number,
  requests: number,
  rounds: number,
): Promise<{ ours: SideResult; batched: SideResult; newTargets: number }> {
  const rng = seededRng(6);
  const ip = Int32Array.from({ length }, () => rng.int(KEYS));
  const who = Int32Array.from({ length }, () => rng.int(IDENTITIES));
  // 50 distinct numbers per request out of the pool, drawn once for every side.
  const targets: string[][] = Array.from({ length }, () => {
    const picked = new Set<number>();
    while (picked.size < TARGETS_PER_REQUEST) picked.add(rng.int(TARGET_POOL));
    return Array.from(picked, phone);
  });
  const specs = {
    identity: gcra('lookup/per-identity'),
    ip: windowed('lookup/per-ip', 'sliding-window'),
    subnet: windowed('lookup/per-subnet', 'fixed-window'),
    global: gcra('lookup/global'),
    distinct: gcra('lookup/distinct-numbers'),
  };
  const request = (i: number): LimitCheck[] => {
    const id = `user-${who[i] as number}`;
    const n = ip[i] as number;
    return [
      { spec: specs.identity, key: `lookup/per-identity:${id}`, cost: 1 },
      { spec: specs.ip, key: `lookup/per-ip:${address(n)}`, cost: 1 },
      { spec: specs.subnet, key: `lookup/per-subnet:${subnet(n)}`, cost: 1 },
      { spec: specs.global, key: 'lookup/global:', cost: 1 },
      {
        spec: specs.distinct,
        key: `lookup/distinct-numbers:${id}`,
        cost: 0,
        targets: targets[i] as string[],
      },
    ];
  };
  const prepared = Array.from({ length }, (_, i) => request(i));
  // How many targets were new to their identity's set in the measured stretch (both sides see
  // the same sequence, so the same share): most are known after the warm-up, since the pool
  // is small enough to bound Redis's memory.
  const warm = Math.max(10_000, Math.floor(requests / 4));
  const seen = Array.from({ length: IDENTITIES }, () => new Set<string>());
  let fresh = 0;
  let measured = 0;
  for (let i = 0; i < warm + rounds * requests; i++) {
    const set = seen[who[i] as number] as Set<string>;
    for (const t of targets[i] as string[]) {
      if (i >= warm) {
        measured++;
        if (!set.has(t)) fresh++;
      }
      set.add(t);
    }
  }
  const clients = [client(at), client(at)] as const;
  const ours = createRedisStore({ client: clients[0], prefix: `${prefix}-r`, seed: [7, 9] });
  const batched = createRedisStore({
    client: clients[1],
    prefix: `${prefix}-rb`,
    seed: [7, 9],
    batch: { maxDelayMs: 0, maxSize: 64 },
  });
  const storeSide = (name: string, store: Store): Side => ({
    name,
    async decide(i) {
      if (!(await store.consume(prepared[i] as LimitCheck[])).allowed) denied(name);
    },
  });
  try {
    const [o, b] = (await compare(
      [
        storeSide('enumguard Redis store, 4 limits + 50 targets, 1 EVALSHA', ours),
        storeSide('enumguard Redis store, 4 limits + 50 targets, batched', batched),
      ],
      requests,
      rounds,
    )) as [SideResult, SideResult];
    return { ours: o, batched: b, newTargets: fresh / measured };
  } finally {
    await ours.clear();
    await batched.clear();
    for (const c of clients) c.disconnect();
  }
}

/** Latency of decisions behind a resilient store whose Redis is a dead port, once the breaker is open. */
async function down(decisions: number, inFlight: number): Promise<LatencyResult> {
  const port = await freePort();
  const dead = new Redis({
    host: '127.0.0.1',
    port,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    // Keep reconnecting in the background, as a gateway would, so recovery could be picked up.
    retryStrategy: () => 200,
  });
  dead.on('error', () => {});
  const primary = createRedisStore({ client: dead, prefix: `egbench-down-${randomUUID()}` });
  let primaryCalls = 0;
  const counted: Store = {
    ...primary,
    consume(...args) {
      primaryCalls++;
      return primary.consume(...args);
    },
  };
  const store = createResilientStore({ primary: counted, clock: systemClock, timeoutMs: 50, instances: 3 });
  const spec = gcra('lookup/per-ip');
  const checks: LimitCheck[][] = Array.from({ length: KEYS }, (_, i) => [
    { spec, key: `lookup/per-ip:${address(i)}`, cost: 1 },
  ]);
  try {
    // Open the breaker: its default 5 failures.
    for (let i = 0; store.stats().state !== 'open'; i++) {
      await store.consume(checks[i % KEYS] as LimitCheck[], undefined, { unavailable: 'local' });
      if (i > 1000) throw new Error('the breaker did not open');
    }
    const before = store.stats().fallbacks.local;
    primaryCalls = 0;
    const rng = seededRng(7);
    const draw = Int32Array.from({ length: decisions }, () => rng.int(KEYS));
    const latency = new Float64Array(decisions);
    const perSec = await drive(
      {
        name: 'resilient store, Redis down',
        async decide(i) {
          const t0 = performance.now();
          const out = await store.consume(checks[draw[i] as number] as LimitCheck[], undefined, {
            unavailable: 'local',
          });
          latency[i] = performance.now() - t0;
          if (out.fallback !== 'local') throw new Error('expected a local fallback answer');
        },
      },
      0,
      decisions,
      inFlight,
    );
    const sorted = Array.from(latency).sort((a, b) => a - b);
    const pct = (p: number): number =>
      sorted[Math.min(decisions - 1, Math.ceil(p * decisions) - 1)] as number;
    return {
      inFlight,
      decisions,
      p50Ms: pct(0.5),
      p99Ms: pct(0.99),
      maxMs: sorted[decisions - 1] as number,
      perSec,
      primaryCalls,
      fallbacks: store.stats().fallbacks.local - before,
    };
  } finally {
    await store.close();
    dead.disconnect();
  }
}

export async function run(opts: {
  requests: number;
  routeRequests: number;
  rounds: number;
  redis: string;
}): Promise<RedisBench> {
  const at = parseHostPort(opts.redis);
  const loadStart = loadavg()[0] as number;
  const probe = client(at);
  const redisVersion = /redis_version:(\S+)/.exec(await probe.info('server'))?.[1] ?? 'unknown';
  probe.disconnect();
  const prefix = `egbench-${randomUUID()}`;
  const span = (n: number): number => Math.max(10_000, Math.floor(n / 4)) + opts.rounds * n;
  const s = await single(at, prefix, span(opts.requests), opts.requests, opts.rounds);
  const r = await route(at, prefix, span(opts.routeRequests), opts.routeRequests, opts.rounds);
  const d = [await down(100_000, IN_FLIGHT), await down(100_000, 1)];
  return {
    requests: opts.requests,
    routeRequests: opts.routeRequests,
    rounds: opts.rounds,
    redis: opts.redis,
    redisVersion,
    load: [loadStart, loadavg()[0] as number],
    single: s,
    route: { ours: r.ours, batched: r.batched },
    routeNewTargets: r.newTargets,
    down: d,
  };
}

const ceilTo = (x: number, digits: number): string =>
  (Math.ceil(x * 10 ** digits) / 10 ** digits).toFixed(digits);

export function markdown(r: RedisBench): string {
  const met = (ok: boolean): string => (ok ? 'met' : 'NOT met');
  const peer = r.single.peer.perSec;
  const rounds = (s: SideResult): string => s.rounds.map(perSecText).join(', ');
  const row = (s: SideResult, goal: number | undefined, label: string): string => {
    const ratio = s.perSec / peer;
    const g = goal === undefined ? label : `≥ ${goal}× peer: ${met(ratio >= goal)}`;
    return `| ${s.name} | ${perSecText(s.perSec)} | ${rounds(s)} | ${floorTo(ratio, 2)}× | ${g} |`;
  };
  return [
    `Redis ${r.redisVersion} at ${r.redis}, same instance for every side. ${IN_FLIGHT} requests in flight; ` +
      `${r.requests.toLocaleString('en-US')} requests per round (route: ${r.routeRequests.toLocaleString('en-US')}), ` +
      `median of ${r.rounds} alternating rounds after a warm-up of a quarter of a round (at least 10,000) per side; ` +
      'one ioredis client (one connection) per side, same options; keys drawn uniformly from a seeded sequence, ' +
      'the same for every side. ' +
      `1-minute load average: ${r.load[0].toFixed(2)} at the start, ${r.load[1].toFixed(2)} at the end.`,
    '',
    `| single limit, ${KEYS.toLocaleString('en-US')} keys | decisions/s (median) | rounds | vs peer | goal |`,
    '|---|---|---|---|---|',
    row(r.single.ours, SINGLE_GOAL, ''),
    row(r.single.batched, SINGLE_GOAL, ''),
    row(r.single.peer, undefined, 'peer'),
    '',
    `| realistic route: per-identity GCRA (${IDENTITIES.toLocaleString('en-US')} identities), per-IP sliding window ` +
      `(${KEYS.toLocaleString('en-US')}), per-/24 fixed window (400), global GCRA, distinct numbers per identity ` +
      `(${TARGETS_PER_REQUEST} targets from ${TARGET_POOL.toLocaleString('en-US')}) | decisions/s (median) | rounds | ` +
      'vs peer single limit | goal |',
    '|---|---|---|---|---|',
    row(r.route.ours, ROUTE_GOAL, ''),
    row(r.route.batched, ROUTE_GOAL, ''),
    '',
    `Targets new to their set in the measured rounds: ${ceilTo(r.routeNewTargets * 100, 1)}% (the rest ` +
      'were already in their set; the pool bounds Redis memory).',
    '',
    '| Redis down (dead port), createResilientStore, breaker open, `local` fallback | decisions | p50 ms | p99 ms | max ms | decisions/s | goal |',
    '|---|---|---|---|---|---|---|',
    ...r.down.map(
      (d) =>
        `| 1 limit, ${d.inFlight} in flight, timeoutMs 50, enableOfflineQueue false | ${d.decisions.toLocaleString('en-US')} | ` +
        `${ceilTo(d.p50Ms, 3)} | ${ceilTo(d.p99Ms, 3)} | ${ceilTo(d.maxMs, 3)} | ${perSecText(d.perSec)} | ` +
        `p99 ≤ ${DOWN_P99_GOAL_MS} ms: ${met(d.p99Ms <= DOWN_P99_GOAL_MS)} |`,
    ),
    '',
    'Latency is from the consume call to its answer; at 256 in flight it includes waiting behind the other ' +
      '255 in-flight decisions on the one event loop (a closed loop, CPU bound), at 1 in flight it is the ' +
      'decision alone. ' +
      r.down
        .map(
          (d) =>
            `At ${d.inFlight} in flight, ${d.primaryCalls} half-open probe(s) reached the dead Redis and ` +
            `${d.fallbacks.toLocaleString('en-US')} decisions came from the local fallback.`,
        )
        .join(' '),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string', default: '200000' },
      'route-requests': { type: 'string', default: '50000' },
      rounds: { type: 'string', default: '3' },
      redis: { type: 'string', default: '127.0.0.1:6379' },
    },
  });
  const r = await run({
    requests: Number(values.requests),
    routeRequests: Number(values['route-requests']),
    rounds: Number(values.rounds),
    redis: values.redis,
  });
  console.log(markdown(r));
}
