import type { Agent, AgentEvent, AgentRequest, AgentResponse } from './agent.ts';
import type { Observer } from './runner.ts';
import { createContactDelays, type ContactTruth } from './scorecard-contact-delay.ts';
import { detectionOf } from './scorecard-detection.ts';
import { createHarvestTracker, type Harvest } from './scorecard-harvest.ts';
import { createRefusalCauses, type EnforcedFinding } from './scorecard-refusal-causes.ts';
import type { Finding, Scorecard } from './scorecard-types.ts';
import { createSeries } from './series.ts';

export type { Finding, Scorecard } from './scorecard-types.ts';

const DAY_MS = 86_400_000;
/** Past this share of the population's accounts or of the candidate space, the world caps the harvest. */
const SATURATION_SHARE = 0.5;
const FULL_LOOKUP = '/v1/contacts/discover';

/**
 * A refusal by the defense: 429 (quota or abnormal usage) or 403 (blocked). Other failures, a
 * 413 for an oversized batch or a 599 when --http cannot reach the gateway, say nothing about
 * the policy and are not scored as its responses.
 */
function refused(status: number): boolean {
  return status === 429 || status === 403;
}

export interface ScorecardCollector extends Observer {
  /** A detector's finding; matched to agents by their risk identity at the end of the run. */
  onFinding(finding: Finding): void;
  result(run: { virtualMs: number; wallMs: number; requests: number }): Scorecard;
  /** Distinct accounts revealed so far: a cheap live read for the progress line. */
  revealedSoFar(): number;
}

export interface ScorecardOptions {
  /** The run's planned virtual length: the series' buckets divide it (default: grow as needed). */
  readonly durationMs?: number;
  /** A request's risk identity, as the policy derives it, to match findings to agents. */
  readonly riskKeyOf?: (request: AgentRequest) => string | undefined;
  /** The population's candidate space, to count the distinct numbers attackers asked about. */
  readonly candidateCount?: number;
  readonly candidateIndexOf?: (number: string) => number;
  /** Count distinct numbers from the 1% ending in "00" (see HarvestOptions). */
  readonly sampleCandidates?: boolean;
  /** Ground truth for the discovery-delay split, and which users it tracks (default: none). */
  readonly contactTruth?: ContactTruth;
  readonly trackContactsOf?: (user: string) => boolean;
}

/**
 * Watches every exchange and scores the run: what attackers harvested through every route
 * and at what cost in accounts, and what legit users suffered (refusals by cause, slow syncs,
 * contacts revealed late).
 */
export function createScorecard(
  populationAccounts: number,
  options: ScorecardOptions = {},
): ScorecardCollector {
  const series = createSeries(options.durationMs);
  const harvest = createHarvestTracker({
    ...(options.candidateIndexOf ? { candidateIndexOf: options.candidateIndexOf } : {}),
    ...(options.candidateCount !== undefined ? { candidateCount: options.candidateCount } : {}),
    sampleHundredth: options.sampleCandidates === true,
  });
  /** Each attacker's first and last exchange: its active span. */
  const attackerSpans = new Map<string, [number, number]>();
  let firstResponse: number | null = null;

  const legitUsers = new Set<string>();
  const legitDenied = new Set<string>();
  const legitRefusals: Record<string, number> = {};
  const causes = createRefusalCauses();
  const trackContacts = options.trackContactsOf ?? (() => false);
  const contactDelays = createContactDelays(options.contactTruth ? trackContacts : () => false);
  let syncRequests = 0;
  let syncDenied = 0;
  let syncsStarted = 0;
  let syncsAbandoned = 0;
  const contactDelayUsers = new Set<string>();
  const openSyncs = new Map<string, number>();
  const delays: number[] = [];
  let numbersLookedUp = 0;
  const findings: Finding[] = [];
  /** Risk identity → [agent id, role]. */
  const agentOfKey = new Map<string, [string, Agent['role']]>();
  /** Attacker account → [first lookup, first refusal or -1]. */
  const accountLookups = new Map<string, [number, number]>();
  const riskKeyOf = options.riskKeyOf;

  const noteRiskKey = (
    agent: Agent,
    request: AgentRequest,
    response: AgentResponse,
    at: number,
  ): string | undefined => {
    const key = riskKeyOf?.(request);
    if (key === undefined) return undefined;
    if (!agentOfKey.has(key)) agentOfKey.set(key, [agent.id, agent.role]);
    if (agent.role === 'attacker' && request.path.startsWith(FULL_LOOKUP)) {
      const span = accountLookups.get(key);
      const refusedNow = refused(response.status);
      if (span === undefined) accountLookups.set(key, [at, refusedNow ? at : -1]);
      else if (refusedNow && span[1] < 0) span[1] = at;
    }
    return key;
  };

  const onAttacker = (agent: Agent, request: AgentRequest, response: AgentResponse, at: number): void => {
    const span = attackerSpans.get(agent.id);
    if (span === undefined) attackerSpans.set(agent.id, [at, at]);
    else span[1] = at;
    if (refused(response.status) && firstResponse === null) firstResponse = at;
    const fresh = harvest.onAttackerExchange(request, response, at);
    for (let i = 0; i < fresh; i++) series.count(at, 'revealed');
  };

  const onLegit = (
    agent: Agent,
    request: AgentRequest,
    response: AgentResponse,
    at: number,
    key: string | undefined,
  ): void => {
    legitUsers.add(agent.id);
    if (refused(response.status)) {
      legitDenied.add(agent.id);
      const code = (response.body as { code?: unknown } | undefined)?.code;
      const why = `${request.path} ${response.status} ${typeof code === 'string' ? code : ''}`.trimEnd();
      legitRefusals[why] = (legitRefusals[why] ?? 0) + 1;
      causes.onRefusal(agent.id, key, response, at);
    }
    if (options.contactTruth && request.path === FULL_LOOKUP)
      contactDelays.onLookup(agent.id, request, at, options.contactTruth);
    if (response.status === 200) contactDelays.onAnswer(agent.id, response, at);
    if (!request.path.startsWith(FULL_LOOKUP)) return;
    syncRequests++;
    const numbers = (request.body as { numbers?: unknown[] } | undefined)?.numbers?.length ?? 0;
    if (response.status === 200) numbersLookedUp += numbers;
    else if (refused(response.status)) {
      syncDenied++;
      series.count(at, 'legitDenied');
    }
  };

  return {
    onFinding(finding) {
      findings.push(finding);
    },
    onExchange(agent: Agent, request: AgentRequest, response: AgentResponse, at: number) {
      series.count(at, 'requests');
      const key = noteRiskKey(agent, request, response, at);
      if (agent.role === 'attacker') onAttacker(agent, request, response, at);
      else onLegit(agent, request, response, at, key);
    },
    onEvent(agent: Agent, event: AgentEvent, at: number) {
      const key = `${agent.id}#${'syncId' in event ? event.syncId : ''}`;
      switch (event.kind) {
        case 'sync-start':
          syncsStarted++;
          openSyncs.set(key, at);
          contactDelays.onSyncStart(agent.id, event.syncId, at);
          if (options.contactTruth && trackContacts(agent.id)) contactDelayUsers.add(agent.id);
          break;
        case 'sync-done': {
          const start = openSyncs.get(key);
          if (start !== undefined) delays.push(at - start);
          openSyncs.delete(key);
          contactDelays.onSyncEnd(agent.id, event.syncId);
          break;
        }
        case 'sync-abandoned':
          syncsAbandoned++;
          openSyncs.delete(key);
          contactDelays.onSyncEnd(agent.id, event.syncId);
          break;
      }
    },
    revealedSoFar: harvest.revealed,
    result(run) {
      const sorted = delays.sort((a, b) => a - b);
      const pct = (p: number): number | null =>
        sorted.length === 0
          ? null
          : (sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number);
      let attackerDays = 0;
      // Both times count from the attack's start, not the run's: scenarios start attacks late.
      let attackStart = Infinity;
      for (const [first, last] of attackerSpans.values()) {
        attackerDays += Math.max(last - first, 60_000) / DAY_MS;
        attackStart = Math.min(attackStart, first);
      }
      const since = (t: number | null): number | null => (t === null ? null : t - attackStart);
      const byCause = causes.result(enforcedByKey(findings));
      const took = harvest.result();
      const looked = numbersLookedUp + took.numbersLookedUp;
      return {
        attacker: attackerScore(
          took,
          populationAccounts,
          options.candidateCount,
          attackerDays,
          since(firstResponse),
          since(containedAt(harvest.harvestTimes, firstResponse)),
        ),
        legit: {
          users: legitUsers.size,
          usersDenied: legitUsers.size === 0 ? 0 : legitDenied.size / legitUsers.size,
          refusals: legitRefusals,
          refusalsByCause: byCause.refusalsByCause,
          usersRefusedByCause: byCause.usersByCause,
          syncRequests,
          syncRequestsDenied: syncRequests === 0 ? 0 : syncDenied / syncRequests,
          syncsStarted,
          syncsAbandoned,
          delayP50Ms: pct(0.5),
          delayP95Ms: pct(0.95),
          delayP99Ms: pct(0.99),
          contactDelay: contactDelays.result(),
          contactDelayUsers: contactDelayUsers.size,
        },
        cost: {
          requests: run.requests,
          numbersLookedUp: looked,
          virtualMs: run.virtualMs,
          wallMs: run.wallMs,
          numbersPerSecond: run.wallMs > 0 ? looked / (run.wallMs / 1000) : 0,
        },
        detection: detectionOf(findings, agentOfKey, attackStart, accountLookups),
        series: series.result(run.virtualMs),
      };
    },
  };
}

/** The earliest time after which less than 1% of the harvest was still to come (not before the first refusal). */
function containedAt(harvestTimes: readonly number[], firstResponse: number | null): number | null {
  const total = harvestTimes.length;
  if (total === 0 || firstResponse === null) return null;
  const cut = harvestTimes[Math.max(0, Math.ceil(total * 0.99) - 1)] as number;
  return Math.max(cut, firstResponse);
}

/** Per risk identity, the enforced findings that refused it (challenge or block), in time order. */
function enforcedByKey(findings: readonly Finding[]): Map<string, EnforcedFinding[]> {
  const out = new Map<string, EnforcedFinding[]>();
  for (const f of findings) {
    if (f.shadow || f.identityKey === undefined || (f.level !== 'challenge' && f.level !== 'block')) continue;
    let list = out.get(f.identityKey);
    if (!list) out.set(f.identityKey, (list = []));
    list.push({ at: f.at, detector: f.detector });
  }
  for (const list of out.values()) list.sort((a, b) => a.at - b.at);
  return out;
}

function attackerScore(
  h: Harvest,
  populationAccounts: number,
  candidateCount: number | undefined,
  attackerDays: number,
  firstResponseMs: number | null,
  containedMs: number | null,
): Scorecard['attacker'] {
  const total = h.accountsRevealed;
  const populationShare = populationAccounts > 0 ? total / populationAccounts : 0;
  const candidateSpaceShare =
    h.distinctNumbersLookedUp === null || !candidateCount ? null : h.distinctNumbersLookedUp / candidateCount;
  const saturatedBy: ('harvest' | 'lookups')[] = [];
  if (populationShare > SATURATION_SHARE) saturatedBy.push('harvest');
  if (candidateSpaceShare !== null && candidateSpaceShare > SATURATION_SHARE) saturatedBy.push('lookups');
  return {
    accountsRevealed: total,
    withPhoto: h.withPhoto,
    withAbout: h.withAbout,
    byRoute: h.byRoute,
    populationShare,
    harvestPerAttackerDay: attackerDays === 0 ? 0 : total / attackerDays,
    attackerAccounts: h.attackerAccounts,
    revealedPerAttackerAccount: h.attackerAccounts === 0 ? null : total / h.attackerAccounts,
    numbersLookedUp: h.numbersLookedUp,
    distinctNumbersLookedUp: h.distinctNumbersLookedUp,
    candidateSpaceShare,
    saturated: saturatedBy.length > 0,
    saturatedBy,
    firstResponseMs,
    containedMs,
  };
}
