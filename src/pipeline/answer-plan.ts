import type { Clock } from '../core/clock.ts';
import type { EgressConfig } from '../egress/config.ts';
import type { CompiledRoute } from '../policy/types.ts';
import type { RiskLookup, RiskReading, Store } from '../stores/store.ts';
import type { RouteDetectorSet, Finding } from './detectors.ts';
import { problemResponse } from './problem.ts';
import { retryAfterSeconds } from './rate-limit-headers.ts';
import type { RiskEvent, RiskGate } from './risk-gate.ts';
import type { PlainResponse, ResponseOutcome, ResponsePlan } from './types.ts';

/** A route's egress configs, built once per policy: with and without stripping. */
export interface RouteEgressConfigs {
  readonly stripped: EgressConfig;
  readonly kept: EgressConfig;
}

export function routeEgressConfigs(route: CompiledRoute): RouteEgressConfigs | undefined {
  const e = route.egress;
  if (e === undefined) return undefined;
  const base = {
    records: e.records,
    ...(e.maxRecords !== undefined ? { maxRecords: e.maxRecords } : {}),
    ...(e.maxBytes !== undefined ? { maxBytes: e.maxBytes } : {}),
  };
  return { stripped: { ...base, strip: e.strip }, kept: base };
}

export interface PlanInputs {
  readonly route: CompiledRoute;
  readonly store: Store;
  readonly clock: Clock;
  readonly gate: RiskGate | undefined;
  readonly lookup: RiskLookup | undefined;
  readonly reading: RiskReading | undefined;
  readonly targets: readonly string[];
  readonly detectors: RouteDetectorSet | undefined;
  readonly egress: RouteEgressConfigs | undefined;
  readonly onRisk: ((event: RiskEvent) => void) | undefined;
}

/**
 * The plan for an allowed request's answer: which egress filter runs, and `settle`, which
 * runs the route's detectors on the answer (targets asked, records revealed), adds their
 * signals to the store, and then releases the answer only if the caller is still in good
 * standing. A scan's first answer is thereby withheld when that answer itself is the
 * evidence (a batch of random numbers with few hits), not only its next request refused.
 */
export function answerPlan(p: PlanInputs): ResponsePlan {
  const { route, gate, lookup, reading, egress } = p;
  const strip =
    egress !== undefined &&
    route.egress !== undefined &&
    route.egress.strip.length > 0 &&
    (route.egress.stripWhen === 'always' || gate === undefined || gate.untrusted(reading, lookup));
  return {
    egress: egress === undefined ? undefined : strip ? egress.stripped : egress.kept,
    settle: (outcome) => settle(p, outcome),
  };
}

async function settle(p: PlanInputs, outcome: ResponseOutcome): Promise<PlainResponse | undefined> {
  if (outcome.status < 200 || outcome.status >= 300) return undefined;
  const { gate, lookup, store, clock, route } = p;
  let own: RiskReading | undefined;
  if (gate !== undefined && lookup !== undefined && p.detectors !== undefined) {
    const now = clock.now();
    const suspect = { identity: lookup.identity, prefix: lookup.prefix };
    const findings = p.detectors.observe(suspect, p.targets, outcome.records, now);
    for (const finding of findings) {
      const isCaller =
        finding.suspect.identity === lookup.identity && finding.suspect.prefix === lookup.prefix;
      const target: RiskLookup = isCaller ? lookup : { ...lookup, ...finding.suspect };
      const pending = store.signal(target, {
        weight: finding.weight,
        layers: gate.policy.layers,
        shadow: finding.shadow,
      });
      const after = pending instanceof Promise ? await pending : pending;
      if (isCaller) own = after;
      p.onRisk?.(eventOf(gate, route.id, finding, after, now));
    }
  }
  if (own !== undefined && gate !== undefined) {
    const refusal = gate.refusal(own);
    if (refusal !== undefined) return refusal;
  }
  const perIdentity = route.egress?.perIdentity;
  // Charged what was sent: records a cap dropped never reached the caller.
  const passed = outcome.passed ?? outcome.records;
  if (perIdentity !== undefined && passed > 0 && lookup !== undefined) {
    const who = lookup.identity ?? `prefix:${lookup.prefix}`;
    const pending = store.consume(
      [{ spec: perIdentity, key: `${perIdentity.id}:${who}`, cost: passed }],
      undefined,
      {
        unavailable: route.storeUnavailable,
      },
    );
    const batch = pending instanceof Promise ? await pending : pending;
    const o = batch.outcomes[0];
    if (!batch.allowed && o !== undefined) {
      const retry = retryAfterSeconds(o.retryAfterMs);
      return problemResponse('quota-exceeded', 'too many records for this caller; retry later', {
        headers: { 'retry-after': retry },
      });
    }
  }
  return undefined;
}

function eventOf(gate: RiskGate, route: string, f: Finding, after: RiskReading, at: number): RiskEvent {
  return {
    at,
    route,
    detector: f.detector,
    identityKey: f.suspect.identity,
    identityTag: gate.tag(f.suspect.identity),
    prefix: f.suspect.prefix,
    weight: f.weight,
    shadow: f.shadow,
    detail: f.detail,
    level: after.enforced.level,
    wouldBe: after.wouldBe.level,
    score: after.score,
  };
}
