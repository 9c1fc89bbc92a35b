/**
 * In-process decisions per second: enumguard's memory store against rate-limiter-flexible's
 * RateLimiterMemory in the same run, and the full pipeline's admit() on a 4-limit route.
 *
 *   npx tsx bench/decisions.ts [--seconds 2] [--rounds 5]
 *
 * Both sides read the wall clock per decision (Date.now()), walk the same keys in the same
 * order, and get the same chances to run timers: every side yields to the event loop after
 * each chunk, so the peer's per-key expiry timers fire as they would in a server.
 * Key strings are built once up front for both sides (a pipeline builds them per request).
 */
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { LimitCheck, LimitSpec } from '../src/core/limit.ts';
import { createPipeline } from '../src/pipeline/pipeline.ts';
import { systemClock } from '../src/runtime/system-clock.ts';
import type { PlainRequest } from '../src/pipeline/types.ts';
import { compilePolicy } from '../src/policy/index.ts';
import { createMemoryStore } from '../src/stores/memory-store.ts';
import type { Store } from '../src/stores/store.ts';
import { address, NEVER_DENY, subnet } from './keys.ts';
import { median } from './wrk.ts';

const KEYS = 100_000;
const API_KEYS = 1_000;
const CHUNK = 1_000;

export interface SideResult {
  readonly name: string;
  /** Median decisions per second over the rounds. */
  readonly perSec: number;
  readonly rounds: readonly number[];
}

export interface DecisionsBench {
  readonly seconds: number;
  readonly rounds: number;
  readonly single: { ours: SideResult; oursAwait: SideResult; peer: SideResult };
  readonly fourLimits: { ours: SideResult; oursAwait: SideResult; peer: SideResult };
  readonly pipeline: SideResult;
  /** ours / peer, single limit: synchronous and awaited. */
  readonly singleRatio: number;
  readonly singleAwaitRatio: number;
  readonly fourLimitsRatio: number;
  readonly fourLimitsAwaitRatio: number;
}

interface Side {
  readonly name: string;
  /** Runs CHUNK decisions. */
  chunk(): void | Promise<void>;
}

const gcra = (id: string): LimitSpec => ({
  id,
  algorithm: 'gcra',
  limit: NEVER_DENY,
  windowMs: 1000,
  burst: NEVER_DENY,
});

function denied(name: string): never {
  throw new Error(`${name} denied a decision: the benchmark must only measure allows`);
}

function singleLimitSides(): Side[] {
  const spec = gcra('discover/per-ip');
  const keys = Array.from({ length: KEYS }, (_, i) => `discover/per-ip:${address(i)}`);
  const checks: LimitCheck[] = keys.map((key) => ({ spec, key, cost: 1 }));
  const syncStore = createMemoryStore({ clock: systemClock, maxKeys: 1_000_000 });
  // Seen through the Store contract, as the async pipeline sees it: a value or a promise.
  const awaitStore: Store = createMemoryStore({ clock: systemClock, maxKeys: 1_000_000 });
  const peer = new RateLimiterMemory({ points: NEVER_DENY, duration: 1 });
  let a = 0;
  let b = 0;
  let c = 0;
  return [
    {
      name: 'enumguard memory store, consume()',
      chunk() {
        for (let i = 0; i < CHUNK; i++) {
          if (!syncStore.consume([checks[a] as LimitCheck]).allowed) denied(this.name);
          a = a + 1 === KEYS ? 0 : a + 1;
        }
      },
    },
    {
      name: 'enumguard memory store, await consume()',
      async chunk() {
        for (let i = 0; i < CHUNK; i++) {
          if (!(await awaitStore.consume([checks[b] as LimitCheck])).allowed) denied(this.name);
          b = b + 1 === KEYS ? 0 : b + 1;
        }
      },
    },
    {
      name: 'rate-limiter-flexible RateLimiterMemory, await consume(key)',
      async chunk() {
        // consume() rejects on a denial, so an unexpected deny ends the run with its reason.
        for (let i = 0; i < CHUNK; i++) {
          await peer.consume(keys[c] as string);
          c = c + 1 === KEYS ? 0 : c + 1;
        }
      },
    },
  ];
}

function fourLimitSides(): Side[] {
  const specs = ['identity', 'ip', 'subnet', 'global'].map((k) => gcra(`lookup/per-${k}`));
  const keyOf = (i: number): string[] => [
    `lookup/per-identity:user-${i}`,
    `lookup/per-ip:${address(i)}`,
    `lookup/per-subnet:${subnet(i)}`,
    'global:per-global',
  ];
  const keys = Array.from({ length: KEYS }, (_, i) => keyOf(i));
  const batches: LimitCheck[][] = keys.map((ks) =>
    ks.map((key, j) => ({ spec: specs[j] as LimitSpec, key, cost: 1 })),
  );
  const syncStore = createMemoryStore({ clock: systemClock, maxKeys: 1_000_000 });
  // Seen through the Store contract, as the async pipeline sees it: a value or a promise.
  const awaitStore: Store = createMemoryStore({ clock: systemClock, maxKeys: 1_000_000 });
  const peers = specs.map(() => new RateLimiterMemory({ points: NEVER_DENY, duration: 1 }));
  let a = 0;
  let b = 0;
  let c = 0;
  return [
    {
      name: 'enumguard memory store, consume() of 4 checks',
      chunk() {
        for (let i = 0; i < CHUNK; i++) {
          if (!syncStore.consume(batches[a] as LimitCheck[]).allowed) denied(this.name);
          a = a + 1 === KEYS ? 0 : a + 1;
        }
      },
    },
    {
      name: 'enumguard memory store, await consume() of 4 checks',
      async chunk() {
        for (let i = 0; i < CHUNK; i++) {
          if (!(await awaitStore.consume(batches[b] as LimitCheck[])).allowed) denied(this.name);
          b = b + 1 === KEYS ? 0 : b + 1;
        }
      },
    },
    {
      name: 'rate-limiter-flexible, 4 limiters, 4 awaited consume(key)',
      async chunk() {
        for (let i = 0; i < CHUNK; i++) {
          const ks = keys[c] as string[];
          for (let j = 0; j < 4; j++) await (peers[j] as RateLimiterMemory).consume(ks[j] as string);
          c = c + 1 === KEYS ? 0 : c + 1;
        }
      },
    },
  ];
}

function pipelineSide(): Side {
  const apiKeys = Array.from({ length: API_KEYS }, (_, i) => `bench-key-${i}`);
  const entries = apiKeys
    .map(
      (k, i) =>
        `      - { id: user-${i}, sha256: ${createHash('sha256').update(k).digest('hex')}, scopes: [lookup] }`,
    )
    .join('\n');
  const policy = compilePolicy(
    `version: 1
identities:
  apiKeys:
    keys:
${entries}
routes:
  - id: lookup
    match: { method: GET, path: /v1/lookup }
    scopes: [lookup]
    limits:
      - { id: per-identity, key: identity, rate: ${NEVER_DENY}/1s }
      - { id: per-ip, key: ip, rate: ${NEVER_DENY}/1s }
      - { id: per-subnet, key: ipv4/24, rate: ${NEVER_DENY}/1s }
      - { id: global, key: global, rate: ${NEVER_DENY}/1s }
`,
    { source: 'bench-policy.yaml', baseDir: process.cwd() },
  );
  const store = createMemoryStore({ clock: systemClock, maxKeys: 1_000_000 });
  const pipeline = createPipeline({ policy, store, clock: systemClock });
  const requests: PlainRequest[] = Array.from({ length: KEYS }, (_, i) => ({
    method: 'GET',
    url: `/v1/lookup?number=%2B1415555${String(i % 10_000).padStart(4, '0')}`,
    headers: { host: 'api.example', 'x-api-key': apiKeys[i % API_KEYS] as string },
    remoteAddress: address(i),
  }));
  let n = 0;
  return {
    name: `pipeline.admit(), 4-limit route, API key (${API_KEYS} keys), ${KEYS.toLocaleString('en-US')} IPs`,
    async chunk() {
      for (let i = 0; i < CHUNK; i++) {
        const verdict = await pipeline.admit(requests[n] as PlainRequest);
        if (!verdict.allowed) throw new Error(`admit denied: ${verdict.decision.reason}`);
        n = n + 1 === KEYS ? 0 : n + 1;
      }
    },
  };
}

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Decisions per second over `seconds`, in chunks, yielding to the event loop between them. */
async function measure(side: Side, seconds: number): Promise<number> {
  const start = performance.now();
  const end = start + seconds * 1000;
  let decisions = 0;
  let now = start;
  while (now < end) {
    await side.chunk();
    decisions += CHUNK;
    await yieldToLoop();
    now = performance.now();
  }
  return decisions / ((now - start) / 1000);
}

/** Warm each side up, then alternate them round by round so drift hits all alike. */
async function compare(sides: Side[], seconds: number, rounds: number): Promise<SideResult[]> {
  for (const side of sides) await measure(side, 1);
  const perRound = sides.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    for (const [i, side] of sides.entries()) (perRound[i] as number[]).push(await measure(side, seconds));
  }
  return sides.map((side, i) => ({
    name: side.name,
    perSec: median(perRound[i] as number[]),
    rounds: perRound[i] as number[],
  }));
}

export async function run(opts: { seconds: number; rounds: number }): Promise<DecisionsBench> {
  const [ours, oursAwait, peer] = (await compare(singleLimitSides(), opts.seconds, opts.rounds)) as [
    SideResult,
    SideResult,
    SideResult,
  ];
  const [ours4, ours4Await, peer4] = (await compare(fourLimitSides(), opts.seconds, opts.rounds)) as [
    SideResult,
    SideResult,
    SideResult,
  ];
  const [pipeline] = (await compare([pipelineSide()], opts.seconds, opts.rounds)) as [SideResult];
  return {
    seconds: opts.seconds,
    rounds: opts.rounds,
    single: { ours, oursAwait, peer },
    fourLimits: { ours: ours4, oursAwait: ours4Await, peer: peer4 },
    pipeline,
    singleRatio: ours.perSec / peer.perSec,
    singleAwaitRatio: oursAwait.perSec / peer.perSec,
    fourLimitsRatio: ours4.perSec / peer4.perSec,
    fourLimitsAwaitRatio: ours4Await.perSec / peer4.perSec,
  };
}

/** Rounded down: a figure shown never exceeds the one measured. */
export function floorTo(x: number, digits: number): string {
  const f = 10 ** digits;
  return (Math.floor(x * f) / f).toFixed(digits);
}

export const perSecText = (x: number): string => Math.floor(x).toLocaleString('en-US');

/** The goal: single-limit in-process decisions at least 5× the peer's. */
export const SINGLE_LIMIT_GOAL = 5;

export function markdown(r: DecisionsBench): string {
  const row = (s: SideResult, ratio: string, goal: string): string =>
    `| ${s.name} | ${perSecText(s.perSec)} | ${ratio} | ${goal} |`;
  const met = (x: number): string => (x >= SINGLE_LIMIT_GOAL ? 'met' : 'NOT met');
  return [
    `Median of ${r.rounds} alternating rounds × ${r.seconds} s after 1 s warm-up per side; one process; ` +
      `wall clock read per decision on both sides; key strings prebuilt for both (building excluded).`,
    '',
    '| single limit, 100,000 keys round robin | decisions/s | ours / peer | goal |',
    '|---|---|---|---|',
    row(
      r.single.ours,
      `${floorTo(r.singleRatio, 2)}×`,
      `≥ ${SINGLE_LIMIT_GOAL}× peer: ${met(r.singleRatio)}`,
    ),
    row(
      r.single.oursAwait,
      `${floorTo(r.singleAwaitRatio, 2)}×`,
      `≥ ${SINGLE_LIMIT_GOAL}× peer: ${met(r.singleAwaitRatio)}`,
    ),
    row(r.single.peer, '1.00×', 'peer'),
    '',
    '| 4 limits per decision (100,000 identities, 100,000 IPs, 400 /24s, 1 global) | decisions/s | ours / peer | goal |',
    '|---|---|---|---|',
    row(r.fourLimits.ours, `${floorTo(r.fourLimitsRatio, 2)}×`, 'none set'),
    row(r.fourLimits.oursAwait, `${floorTo(r.fourLimitsAwaitRatio, 2)}×`, 'none set'),
    row(r.fourLimits.peer, '1.00×', 'peer (4 separate calls)'),
    '',
    '| full pipeline, in process | decisions/s |',
    '|---|---|',
    `| ${r.pipeline.name} | ${perSecText(r.pipeline.perSec)} |`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { seconds: { type: 'string', default: '2' }, rounds: { type: 'string', default: '5' } },
  });
  const r = await run({ seconds: Number(values.seconds), rounds: Number(values.rounds) });
  console.log(markdown(r));
}
