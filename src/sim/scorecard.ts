import type { Agent, AgentEvent, AgentRequest, AgentResponse } from './agent.ts';
import type { Observer } from './runner.ts';
import { createSeries, type Series } from './series.ts';

const DAY_MS = 86_400_000;

export interface Scorecard {
  readonly attacker: {
    /** Distinct registered accounts the attackers saw revealed. */
    readonly accountsRevealed: number;
    readonly withPhoto: number;
    readonly withAbout: number;
    /** accountsRevealed over the population's accounts. */
    readonly populationShare: number;
    /** Accounts revealed per day of attacker activity (first to last request of each attacker, at least a minute). */
    readonly harvestPerAttackerDay: number;
    readonly numbersLookedUp: number;
    /** Virtual ms from the attack's first request until an attacker first got a refusal, or null if never. */
    readonly firstResponseMs: number | null;
    /** Virtual ms from the attack's first request until attackers had 99% of their final harvest (refused by then), or null. */
    readonly containedMs: number | null;
  };
  readonly legit: {
    readonly users: number;
    /** Share of users refused at least once, on any request (registration too). */
    readonly usersDenied: number;
    /** Refusals of legit users' requests by "<path> <status> <problem code>": whom the policy hurt, and how. */
    readonly refusals: Readonly<Record<string, number>>;
    readonly syncRequests: number;
    /** Share of discover requests of legit users that were refused. */
    readonly syncRequestsDenied: number;
    readonly syncsStarted: number;
    readonly syncsAbandoned: number;
    /** Delay from a sync's start to its last answer, virtual ms. */
    readonly delayP50Ms: number | null;
    readonly delayP95Ms: number | null;
    readonly delayP99Ms: number | null;
  };
  /** What the detectors found, when the policy scores risk (in process only). */
  readonly detection: {
    /** Attacker identities (accounts) that made a request, and how many a detector refused (challenge or block). */
    readonly attackerIdentities: number;
    readonly attackerIdentitiesRefused: number;
    /** Virtual ms from the attack's first request to the first attacker identity a detector refused, or null. */
    readonly firstAttributionMs: number | null;
    /** Virtual ms from the attack's first request until 90% of attacker identities were refused by a detector, or null. */
    readonly attribution90Ms: number | null;
    /**
     * Per attacker account (risk identity), the time from its first lookup to its first
     * refusal (by a detector, or at admission by its network's or cohort's score): the 90th
     * percentile and the worst, over accounts that looked anything up; and the accounts never
     * refused. A distributed scan is contained when every account is refused quickly.
     */
    readonly accountRefusalP90Ms: number | null;
    readonly accountRefusalMaxMs: number | null;
    readonly accountsNeverRefused: number;
    /** Legit users any enforced signal scored, and legit users a detector refused. */
    readonly legitScored: number;
    readonly legitRefusedByDetector: number;
    /** Findings by detector, enforced and shadow. */
    readonly findings: Readonly<Record<string, number>>;
    /** The first findings against legit users (at most 20): the false positives, explained. */
    readonly legitFindings: readonly {
      readonly agent: string;
      readonly detector: string;
      readonly detail: string;
    }[];
  };
  readonly cost: {
    readonly requests: number;
    readonly numbersLookedUp: number;
    readonly virtualMs: number;
    readonly wallMs: number;
    /** Looked-up numbers per wall-clock second: the simulator's throughput. */
    readonly numbersPerSecond: number;
  };
  /** Cumulative counts sampled over virtual time, for the report's charts. */
  readonly series: Series;
}

/**
 * A refusal by the defense: 429 (quota or abnormal usage) or 403 (blocked). Other failures, a
 * 413 for an oversized batch or a 599 when --http cannot reach the gateway, say nothing about
 * the policy and are not scored as its responses.
 */
function refused(status: number): boolean {
  return status === 429 || status === 403;
}

/** A detector's finding as the scorecard keeps it (see RiskEvent in src/pipeline/risk-gate.ts). */
export interface Finding {
  readonly identityKey: string | undefined;
  readonly at: number;
  readonly detector: string;
  readonly shadow: boolean;
  /** The enforced level after the signal. */
  readonly level: string;
  /** What the detector saw, for the report's false positives. */
  readonly detail: string;
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
}

interface Contact {
  readonly accountId?: unknown;
  readonly photo?: unknown;
  readonly about?: unknown;
}

/**
 * Watches every exchange and scores the run: what attackers harvested (from the contacts
 * the service revealed to them) and what legit users suffered (refusals, slow syncs).
 */
export function createScorecard(
  populationAccounts: number,
  options: ScorecardOptions = {},
): ScorecardCollector {
  const series = createSeries(options.durationMs);
  const revealed = new Set<string>();
  const withPhoto = new Set<string>();
  const withAbout = new Set<string>();
  const harvestTimes: number[] = [];
  /** Each attacker's first and last exchange: its active span. */
  const attackerSpans = new Map<string, [number, number]>();
  let attackerNumbers = 0;
  let firstResponse: number | null = null;

  const legitUsers = new Set<string>();
  const legitDenied = new Set<string>();
  const legitRefusals: Record<string, number> = {};
  let syncRequests = 0;
  let syncDenied = 0;
  let syncsStarted = 0;
  let syncsAbandoned = 0;
  const openSyncs = new Map<string, number>();
  const delays: number[] = [];
  let numbersLookedUp = 0;
  const findings: Finding[] = [];
  /** Risk identity → [agent id, role]. */
  const agentOfKey = new Map<string, [string, Agent['role']]>();
  /** Attacker account → [first lookup, first refusal or -1]. */
  const accountLookups = new Map<string, [number, number]>();
  const riskKeyOf = options.riskKeyOf;

  return {
    onFinding(finding) {
      findings.push(finding);
    },
    onExchange(agent: Agent, request: AgentRequest, response: AgentResponse, at: number) {
      series.count(at, 'requests');
      if (riskKeyOf) {
        const key = riskKeyOf(request);
        if (key !== undefined && !agentOfKey.has(key)) agentOfKey.set(key, [agent.id, agent.role]);
        if (
          key !== undefined &&
          agent.role === 'attacker' &&
          request.path.startsWith('/v1/contacts/discover')
        ) {
          const span = accountLookups.get(key);
          const refusedNow = refused(response.status);
          if (span === undefined) accountLookups.set(key, [at, refusedNow ? at : -1]);
          else if (refusedNow && span[1] < 0) span[1] = at;
        }
      }
      const isDiscover = request.path.startsWith('/v1/contacts/discover');
      const numbers = isDiscover
        ? ((request.body as { numbers?: unknown[] } | undefined)?.numbers?.length ?? 0)
        : 0;
      if (agent.role === 'attacker') {
        const span = attackerSpans.get(agent.id);
        if (span === undefined) attackerSpans.set(agent.id, [at, at]);
        else span[1] = at;
        if (refused(response.status) && firstResponse === null) firstResponse = at;
        if (!isDiscover || response.status !== 200) return;
        attackerNumbers += numbers;
        numbersLookedUp += numbers;
        const contacts = (response.body as { contacts?: Contact[] } | undefined)?.contacts ?? [];
        for (const c of contacts) {
          if (typeof c.accountId !== 'string') continue;
          if (!revealed.has(c.accountId)) {
            revealed.add(c.accountId);
            harvestTimes.push(at);
            series.count(at, 'revealed');
          }
          if (c.photo !== undefined) withPhoto.add(c.accountId);
          if (c.about !== undefined) withAbout.add(c.accountId);
        }
        return;
      }
      legitUsers.add(agent.id);
      if (refused(response.status)) {
        legitDenied.add(agent.id);
        const code = (response.body as { code?: unknown } | undefined)?.code;
        const why = `${request.path} ${response.status} ${typeof code === 'string' ? code : ''}`.trimEnd();
        legitRefusals[why] = (legitRefusals[why] ?? 0) + 1;
      }
      if (!isDiscover) return;
      syncRequests++;
      if (response.status === 200) numbersLookedUp += numbers;
      else if (refused(response.status)) {
        syncDenied++;
        series.count(at, 'legitDenied');
      }
    },
    onEvent(agent: Agent, event: AgentEvent, at: number) {
      const key = `${agent.id}#${'syncId' in event ? event.syncId : ''}`;
      switch (event.kind) {
        case 'sync-start':
          syncsStarted++;
          openSyncs.set(key, at);
          break;
        case 'sync-done': {
          const start = openSyncs.get(key);
          if (start !== undefined) delays.push(at - start);
          openSyncs.delete(key);
          break;
        }
        case 'sync-abandoned':
          syncsAbandoned++;
          openSyncs.delete(key);
          break;
      }
    },
    revealedSoFar: () => revealed.size,
    result(run) {
      const sorted = delays.sort((a, b) => a - b);
      const pct = (p: number): number | null =>
        sorted.length === 0
          ? null
          : (sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number);
      const total = revealed.size;
      let contained: number | null = null;
      if (total > 0 && firstResponse !== null) {
        // The earliest time after which less than 1% of the harvest was still to come.
        const cut = harvestTimes[Math.max(0, Math.ceil(total * 0.99) - 1)] as number;
        contained = cut >= firstResponse ? cut : firstResponse;
      }
      let attackerDays = 0;
      // Both times count from the attack's start, not the run's: scenarios start attacks late.
      let attackStart = Infinity;
      for (const [first, last] of attackerSpans.values()) {
        attackerDays += Math.max(last - first, 60_000) / DAY_MS;
        attackStart = Math.min(attackStart, first);
      }
      return {
        attacker: {
          accountsRevealed: total,
          withPhoto: withPhoto.size,
          withAbout: withAbout.size,
          populationShare: populationAccounts > 0 ? total / populationAccounts : 0,
          harvestPerAttackerDay: attackerDays === 0 ? 0 : total / attackerDays,
          numbersLookedUp: attackerNumbers,
          firstResponseMs: firstResponse === null ? null : firstResponse - attackStart,
          containedMs: contained === null ? null : contained - attackStart,
        },
        legit: {
          users: legitUsers.size,
          usersDenied: legitUsers.size === 0 ? 0 : legitDenied.size / legitUsers.size,
          refusals: legitRefusals,
          syncRequests,
          syncRequestsDenied: syncRequests === 0 ? 0 : syncDenied / syncRequests,
          syncsStarted,
          syncsAbandoned,
          delayP50Ms: pct(0.5),
          delayP95Ms: pct(0.95),
          delayP99Ms: pct(0.99),
        },
        cost: {
          requests: run.requests,
          numbersLookedUp,
          virtualMs: run.virtualMs,
          wallMs: run.wallMs,
          numbersPerSecond: run.wallMs > 0 ? numbersLookedUp / (run.wallMs / 1000) : 0,
        },
        detection: detectionOf(findings, agentOfKey, attackStart, accountLookups),
        series: series.result(run.virtualMs),
      };
    },
  };
}

function detectionOf(
  findings: readonly Finding[],
  agentOfKey: ReadonlyMap<string, [string, Agent['role']]>,
  attackStart: number,
  accountLookups: ReadonlyMap<string, [number, number]>,
): Scorecard['detection'] {
  const latencies: number[] = [];
  let neverRefused = 0;
  for (const [first, refusedAt] of accountLookups.values()) {
    if (refusedAt < 0) neverRefused++;
    else latencies.push(refusedAt - first);
  }
  latencies.sort((a, b) => a - b);
  const p90 = latencies.length === 0 ? null : (latencies[Math.ceil(latencies.length * 0.9) - 1] as number);
  let attackerIdentities = 0;
  for (const [, role] of agentOfKey.values()) if (role === 'attacker') attackerIdentities++;
  const refusedAt = new Map<string, number>();
  const legitScored = new Set<string>();
  const legitRefused = new Set<string>();
  const counts: Record<string, number> = {};
  const legitFindings: { agent: string; detector: string; detail: string }[] = [];
  for (const f of findings) {
    const name = f.shadow ? `${f.detector} (shadow)` : f.detector;
    counts[name] = (counts[name] ?? 0) + 1;
    const who = f.identityKey === undefined ? undefined : agentOfKey.get(f.identityKey);
    if (who === undefined || f.shadow) continue;
    const refused = f.level === 'challenge' || f.level === 'block';
    if (who[1] === 'legit') {
      legitScored.add(who[0]);
      if (legitFindings.length < 20)
        legitFindings.push({ agent: who[0], detector: f.detector, detail: f.detail });
      if (refused) legitRefused.add(who[0]);
    } else if (refused && !refusedAt.has(f.identityKey as string)) {
      refusedAt.set(f.identityKey as string, f.at);
    }
  }
  const times = [...refusedAt.values()].sort((a, b) => a - b);
  const since = (t: number | undefined): number | null =>
    t === undefined || !Number.isFinite(attackStart) ? null : Math.max(0, t - attackStart);
  const ninety = Math.ceil(attackerIdentities * 0.9);
  return {
    attackerIdentities,
    attackerIdentitiesRefused: refusedAt.size,
    firstAttributionMs: since(times[0]),
    attribution90Ms: ninety > 0 && times.length >= ninety ? since(times[ninety - 1]) : null,
    accountRefusalP90Ms: p90,
    accountRefusalMaxMs: latencies.length === 0 ? null : (latencies[latencies.length - 1] as number),
    accountsNeverRefused: neverRefused,
    legitScored: legitScored.size,
    legitRefusedByDetector: legitRefused.size,
    findings: counts,
    legitFindings,
  };
}
