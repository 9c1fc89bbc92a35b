import { manualClock, type ManualClock } from '../core/clock.ts';
import { createPipeline } from '../pipeline/pipeline.ts';
import type { CompiledPolicy } from '../policy/types.ts';
import { formatE164 } from '../reference/e164.ts';
import { createReferenceHandler } from '../reference/handler.ts';
import { createPopulation, type Population } from '../reference/population/population.ts';
import { createReferenceService } from '../reference/service.ts';
import { createMemoryStore } from '../stores/memory-store.ts';
import { EnumguardError } from '../core/errors.ts';
import type { Agent, AgentEnvironment } from './agent.ts';
import { createAttacker, type BuiltInAttacker } from './agents/attackers.ts';
import { loadModuleAgents } from './agents/module-agents.ts';
import { legitUsers } from './agents/legit-users.ts';
import { candidateIndexReader, contactDelaySample, populationTruth } from './agents/legit-user-truth.ts';
import { inProcessTransport } from './in-process.ts';
import { populationGraph } from './population-graph.ts';
import type { ContactGraph } from '../stores/contact-graph/contact-graph.ts';
import { runSimulation, type Progress, type SimulationResult, type Transport } from './runner.ts';
import { createScorecard, type Scorecard, type ScorecardCollector } from './scorecard.ts';
import { keyValue } from '../pipeline/limit-keys.ts';
import type { AgentRequest } from './agent.ts';
import { internalError } from '../core/internal-error.ts';

import type { LegitOptions } from './agents/legit-users.ts';

export type { LegitOptions };

/** A scenario's attacker: a built-in kind, or agents from a module (an absolute path). */
export type AttackerOptions =
  | BuiltInAttacker
  | { readonly kind: 'module'; readonly module: string; readonly options: Readonly<Record<string, unknown>> };

export interface WorldOptions {
  readonly seed: number;
  readonly accounts: number;
  readonly durationMs: number;
  /** The policy the in-process pipeline enforces; not needed with `transport`. */
  readonly policy?: CompiledPolicy;
  /**
   * Where the agents' requests go instead of the in-process pipeline and service, e.g.
   * httpTransport(url) for a live gateway (then set realTime, as its limits run on its own clock).
   */
  readonly transport?: Transport;
  readonly realTime?: boolean;
  /** Virtual ms between a request and its answer (the runner's default when absent). */
  readonly latencyMs?: number;
  readonly legit: LegitOptions;
  readonly attackers: readonly AttackerOptions[];
  readonly batchSize?: number;
  readonly onProgress?: (p: WorldProgress) => void;
  /** Requests between onProgress calls (the runner's default when absent). */
  readonly progressEvery?: number;
  readonly shouldStop?: () => boolean;
}

export interface WorldProgress extends Progress {
  /** Distinct accounts revealed to attackers so far. */
  readonly revealed: number;
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
    // A user's book is asked for once per full sync, weeks apart: a cache would never hit,
    // and every cached book would live long enough to be promoted and collected the slow way.
    bookCacheSize: 0,
  });
  const batchSize = options.batchSize ?? 1000;
  const agents: Agent[] = [
    ...legitUsers({
      population,
      options: options.legit,
      batchSize,
      seed: options.seed,
      durationMs: options.durationMs,
    }),
    ...(await attackerAgents(population, options, batchSize)),
  ];
  const ids = new Set<string>();
  for (const a of agents) {
    if (ids.has(a.id)) {
      throw new EnumguardError(
        'ERR_SCENARIO_INVALID',
        `two agents share the id "${a.id}": ids must be unique in a run (an agent module can prefix its ids with env.index)`,
      );
    }
    ids.add(a.id);
  }
  const graph =
    options.transport === undefined && options.policy?.accounts !== undefined
      ? populationGraph(population, options.policy, options.seed)
      : undefined;
  const riskKey = options.transport === undefined ? riskKeyReader(options.policy, graph, clock) : undefined;
  const scorecard = createScorecard(population.accountCount, {
    durationMs: options.durationMs,
    ...(riskKey ? { riskKeyOf: riskKey } : {}),
    candidateCount: population.candidateCount,
    candidateIndexOf: candidateIndexReader(population),
    sampleCandidates: true,
    contactTruth: populationTruth(population),
    trackContactsOf: contactDelaySample(population, options.legit.users),
  });
  const onProgress = options.onProgress;
  const run = await runSimulation({
    agents,
    transport:
      options.transport ?? inProcess(options.policy, population, clock, options.seed, scorecard, graph),
    observer: scorecard,
    clock,
    seed: options.seed,
    durationMs: options.durationMs,
    ...(options.realTime ? { realTime: true } : {}),
    ...(options.latencyMs !== undefined ? { latencyMs: options.latencyMs } : {}),
    ...(options.progressEvery !== undefined ? { progressEvery: options.progressEvery } : {}),
    ...(onProgress
      ? { onProgress: (p: Progress) => onProgress({ ...p, revealed: scorecard.revealedSoFar() }) }
      : {}),
    ...(options.shouldStop ? { shouldStop: options.shouldStop } : {}),
  });
  return { scorecard: scorecard.result(run), run, population };
}

/** The default system under test: the policy's pipeline over a fresh memory store, then the reference service. */
function inProcess(
  policy: CompiledPolicy | undefined,
  population: Population,
  clock: ManualClock,
  seed: number,
  scorecard: ScorecardCollector,
  graph: ContactGraph | undefined,
): Transport {
  const startMs = clock.now();
  if (policy === undefined)
    throw internalError('runWorld needs a policy to enforce, or a transport to a live system');
  const pipeline = createPipeline({
    policy,
    // Fingerprint seeds from the scenario's, not random: a fingerprint collision (a target
    // wrongly taken as seen) must fall the same way every run, or a seed would not fix the report.
    store: createMemoryStore({ clock, maxKeys: 4_000_000, seed: [seed >>> 0, (seed ^ 0x5bd1e995) >>> 0] }),
    clock,
    seed,
    ...(graph === undefined ? {} : { contactGraph: graph }),
    onRisk: (e) =>
      scorecard.onFinding({
        identityKey: e.identityKey,
        // The runner counts virtual time from 0; the clock from its epoch.
        at: e.at - startMs,
        detector: e.detector,
        shadow: e.shadow,
        level: e.level,
        detail: e.detail,
      }),
  });
  return inProcessTransport(pipeline, createReferenceHandler(createReferenceService({ population, clock })));
}

async function attackerAgents(
  population: Population,
  options: WorldOptions,
  batchSize: number,
): Promise<Agent[]> {
  const agents: Agent[] = [];
  for (const [index, spec] of options.attackers.entries()) {
    if (spec.kind !== 'module') {
      agents.push(createAttacker(spec, { population, batchSize, index }));
      continue;
    }
    const env: AgentEnvironment = {
      seed: options.seed,
      randomCandidate: (rng) => formatE164(population.candidateAt(rng.int(population.candidateCount))),
      candidateCount: population.candidateCount,
      candidateAt: (i) => formatE164(population.candidateAt(i)),
      countries: population.countries.map(({ code, callingCode, candidateOffset, candidateCount }) => ({
        code,
        callingCode,
        candidateOffset,
        candidateCount,
      })),
      index,
      batchSize,
      durationMs: options.durationMs,
    };
    agents.push(...(await loadModuleAgents(spec.module, spec.options, env)));
  }
  return agents;
}

/**
 * How the policy names a request's risk identity, for the scorecard to match findings to
 * agents. Agents are not identified by the policy's API keys or JWTs, so only header keys
 * (the reference service's bearer tokens) name them.
 */
function riskKeyReader(
  policy: CompiledPolicy | undefined,
  graph: ContactGraph | undefined,
  clock: ManualClock,
): ((r: AgentRequest) => string | undefined) | undefined {
  const key = policy?.risk?.identity;
  if (key?.kind === 'account') return accountKeyReader(policy?.accounts, graph, clock);
  if (key?.kind !== 'header') return undefined;
  return (request) => {
    const value = keyValue(key, { ip: request.clientIp, identity: undefined }, lowerCased(request));
    return value === '' ? undefined : value;
  };
}

function lowerCased(request: AgentRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(request.headers ?? {})) headers[k.toLowerCase()] = v;
  return headers;
}

/**
 * The account a request's session is bound to, as the pipeline names it ("acct:…"), read from
 * the same graph; a request of a session not yet bound has none the findings could name.
 */
function accountKeyReader(
  accounts: CompiledPolicy['accounts'],
  graph: ContactGraph | undefined,
  clock: ManualClock,
): ((r: AgentRequest) => string | undefined) | undefined {
  const session = accounts?.session;
  if (graph === undefined || session?.kind !== 'header') return undefined;
  return (request) => {
    const value = keyValue(session, { ip: request.clientIp, identity: undefined }, lowerCased(request));
    if (value === '') return undefined;
    const account = graph.accountOf(value, clock.now());
    return typeof account === 'number' ? `acct:${account.toString(36)}` : undefined;
  };
}
