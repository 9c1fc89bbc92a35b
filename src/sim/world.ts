import { manualClock, type ManualClock } from '../core/clock.ts';
import { seededRng, type Rng } from '../core/rng.ts';
import { createPipeline } from '../pipeline/pipeline.ts';
import type { CompiledPolicy } from '../policy/types.ts';
import { formatE164 } from '../reference/e164.ts';
import { createReferenceHandler } from '../reference/handler.ts';
import { createPopulation, type Population } from '../reference/population/population.ts';
import { createReferenceService } from '../reference/service.ts';
import { createMemoryStore } from '../stores/memory-store.ts';
import type { Agent, AgentContext } from './agent.ts';
import { legitUser } from './agents/legit-user.ts';
import { scanner, type TargetSource } from './agents/scanner.ts';
import { inProcessTransport } from './in-process.ts';
import { runSimulation, type Progress, type SimulationResult } from './runner.ts';
import { createScorecard, type Scorecard } from './scorecard.ts';

const DAY_MS = 86_400_000;

export interface LegitOptions {
  readonly users: number;
  /** Installs (register + full sync) are spread uniformly over this window from the start. */
  readonly installWithinMs: number;
  readonly resyncEveryMs: number;
  readonly newContactsPerWeek: number;
  /** Share of users behind carrier-grade NAT, and how many share one address there. */
  readonly cgnatShare: number;
  readonly usersPerCgnatAddress: number;
  /** Share of users on IPv6 (each with its own /64). */
  readonly ipv6Share: number;
}

export interface RandomScannerOptions {
  readonly sessions: number;
  readonly numbersPerSecond: number;
  /** All sessions share this address, as the researchers' one server did. */
  readonly clientIp: string;
  readonly startAtMs: number;
}

export interface WorldOptions {
  readonly seed: number;
  readonly accounts: number;
  readonly durationMs: number;
  readonly policy: CompiledPolicy;
  readonly legit: LegitOptions;
  readonly randomScanners: readonly RandomScannerOptions[];
  readonly batchSize?: number;
  readonly onProgress?: (p: Progress) => void;
  readonly shouldStop?: () => boolean;
}

export interface WorldRun {
  readonly scorecard: Scorecard;
  readonly run: SimulationResult;
  readonly population: Population;
}

/**
 * Builds a world (population, reference service, the policy's pipeline over a fresh memory
 * store, all on one manual clock), populates it with legit users and attackers, and runs it.
 */
export async function runWorld(options: WorldOptions): Promise<WorldRun> {
  const clock: ManualClock = manualClock(Date.UTC(2024, 8, 1));
  const population = createPopulation({
    seed: options.seed,
    accounts: options.accounts,
    startMs: clock.now(),
  });
  const service = createReferenceService({ population, clock });
  const pipeline = createPipeline({
    policy: options.policy,
    store: createMemoryStore({ clock, maxKeys: 4_000_000 }),
    clock,
  });
  const batchSize = options.batchSize ?? 1000;
  const agents: Agent[] = [
    ...legitUsers(population, options.legit, batchSize, seededRng(options.seed ^ 0x5eed)),
    ...options.randomScanners.map((s, i) => randomScanner(population, s, batchSize, i)),
  ];
  const scorecard = createScorecard(population.accountCount);
  const run = await runSimulation({
    agents,
    transport: inProcessTransport(pipeline, createReferenceHandler(service)),
    observer: scorecard,
    clock,
    seed: options.seed,
    durationMs: options.durationMs,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.shouldStop ? { shouldStop: options.shouldStop } : {}),
  });
  return { scorecard: scorecard.result(run), run, population };
}

function legitUsers(population: Population, o: LegitOptions, batchSize: number, rng: Rng): Agent[] {
  const agents: Agent[] = [];
  const users = Math.min(o.users, population.accountCount);
  for (let account = 0; account < users; account++) {
    agents.push(
      legitUser({
        id: `legit-${account}`,
        number: formatE164(population.numberOf(account)),
        contacts: () => Array.from(population.addressBook(account), formatE164),
        clientIp: legitAddress(account, o, rng),
        installAt: rng.next() * o.installWithinMs,
        resyncEveryMs: o.resyncEveryMs,
        newContactsPerWeek: o.newContactsPerWeek,
        batchSize,
        newContact: (ctx: AgentContext) =>
          formatE164(population.candidateAt(ctx.rng.int(population.candidateCount))),
      }),
    );
  }
  return agents;
}

/** CGNAT users share 100.64.0.0/10 addresses; others get their own IPv4, or their own IPv6 /64. */
function legitAddress(account: number, o: LegitOptions, rng: Rng): string {
  const draw = rng.next();
  if (draw < o.cgnatShare) {
    const shared = Math.floor(account / Math.max(1, o.usersPerCgnatAddress));
    return `100.${64 + ((shared >> 16) & 63)}.${(shared >> 8) & 255}.${shared & 255}`;
  }
  if (draw < o.cgnatShare + o.ipv6Share) {
    return `2001:db8:${(account >> 16).toString(16)}:${(account & 0xffff).toString(16)}::${(1 + rng.int(0xfffe)).toString(16)}`;
  }
  return `10.${(account >> 16) & 255}.${(account >> 8) & 255}.${account & 255}`;
}

function randomScanner(
  population: Population,
  o: RandomScannerOptions,
  batchSize: number,
  index: number,
): Agent {
  const accounts = Array.from(
    { length: o.sessions },
    (_, s) => `+999${String(index * 1000 + s).padStart(8, '0')}`,
  );
  return scanner({
    id: `random-scanner-${index}`,
    accounts,
    clientIp: () => o.clientIp,
    numbersPerSecond: o.numbersPerSecond,
    batchSize,
    startAt: o.startAtMs,
    targets: permutationTargets(population, seededRng(0x5ca11 + index)),
  });
}

/**
 * Every candidate once, in a seeded random order, as the researchers tested each generated
 * number once: index i maps to (a × i + b) mod N with a coprime to N, a full-period walk.
 */
function permutationTargets(population: Population, rng: Rng): TargetSource {
  const n = population.candidateCount;
  let a = Math.max(1, Math.floor(n * 0.6180339887) | 1);
  while (gcd(a, n) !== 1) a += 2;
  const b = rng.int(n);
  let next = 0;
  return (_ctx, count) => {
    const take = Math.min(count, n - next);
    const out = new Array<string>(take);
    for (let i = 0; i < take; i++) out[i] = formatE164(population.candidateAt((a * (next + i) + b) % n));
    next += take;
    return out;
  };
}

function gcd(x: number, y: number): number {
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

export { DAY_MS };
