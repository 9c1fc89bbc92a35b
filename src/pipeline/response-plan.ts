import type { Clock } from '../core/clock.ts';
import type { EgressConfig } from '../egress/config.ts';
import type { CompiledRoute } from '../policy/types.ts';
import type { LimitCheck } from '../core/limit.ts';
import type { RiskLookup, RiskReading, Store } from '../stores/store.ts';
import type { RouteDetectorSet, Finding } from './detectors.ts';
import { problemResponse } from './problem.ts';
import { retryAfterSeconds } from './rate-limit-headers.ts';
import { LAYER_NAMES, type RiskEvent, type RiskGate } from './risk-gate.ts';
import type { RevealPlan } from './reveal/reveal-plan.ts';
import type { PlainResponse, ResponseOutcome, ResponsePlan } from './types.ts';

/** A route's egress configs, built once per policy: with and without stripping. */
export interface RouteEgressConfigs {
  readonly stripped: EgressConfig;
  readonly kept: EgressConfig;
}

export function routeEgressConfigs(route: CompiledRoute): RouteEgressConfigs | undefined {
  const e = route.egress;
  if (e === undefined) {
    // A route that only gates its reveals filters its records by the gate alone.
    if (route.reveal === undefined) return undefined;
    const records = { records: route.reveal.records };
    return { stripped: records, kept: records };
  }
  const base = {
    records: e.records,
    ...(e.maxRecords !== undefined ? { maxRecords: e.maxRecords } : {}),
    ...(e.maxBytes !== undefined ? { maxBytes: e.maxBytes } : {}),
  };
  return { stripped: { ...base, strip: e.strip }, kept: base };
}

/** What a route's response plan needs from the admission that made it. */
export interface ResponsePlanInputs {
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
  /** Mutual-first reveals of the answer's records (a route with `reveal`). */
  readonly reveal?: RevealPlan | undefined;
  /** Reads a registration answer to bind its session to the account (policy `accounts`). */
  readonly capture?: ((outcome: ResponseOutcome) => void | Promise<void>) | undefined;
}

/**
 * The response plan for an allowed request: which egress filter runs, and `settle`, which
 * runs the route's detectors on the response (targets asked, records revealed), adds their
 * signals to the store, and then releases the response only if the caller is still in good
 * standing. A scan's first response is thereby withheld when that response itself is the
 * evidence (a batch of random numbers with few hits), not only its next request refused.
 */
export function createResponsePlan(p: ResponsePlanInputs): ResponsePlan {
  const { route, gate, lookup, reading, egress } = p;
  const strip =
    egress !== undefined &&
    route.egress !== undefined &&
    route.egress.strip.length > 0 &&
    (route.egress.stripWhen === 'always' || gate === undefined || gate.untrusted(reading, lookup));
  const { reveal, capture } = p;
  return {
    egress: egress === undefined ? undefined : strip ? egress.stripped : egress.kept,
    // Only a byte quota needs the response's size: the value path serializes to measure it.
    ...(route.egress?.perIdentityBytes !== undefined ? { measureBytes: true } : {}),
    ...(reveal === undefined ? {} : { gate: reveal.gate, headers: () => reveal.headers() }),
    ...(capture === undefined ? {} : { readsAnswer: true }),
    settle: async (outcome) => {
      if (capture !== undefined) await capture(outcome);
      const refusal = await settle(p, outcome);
      // A withheld answer revealed nothing: the graph and the reveal budget are left as they were.
      if (refusal !== undefined || reveal === undefined) return refusal;
      return reveal.settle(outcome);
    },
  };
}

async function settle(p: ResponsePlanInputs, outcome: ResponseOutcome): Promise<PlainResponse | undefined> {
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
  const quota = lookup === undefined ? undefined : quotaChecks(route, lookup, outcome);
  if (quota !== undefined) {
    // One all-or-nothing consume: a refused response charges neither quota.
    const pending = store.consume(quota.checks, undefined, { unavailable: route.storeUnavailable });
    const batch = pending instanceof Promise ? await pending : pending;
    if (!batch.allowed) {
      // Outcomes come in the checks' order; the detail names the first quota refused, and
      // Retry-After (RFC 9110 §10.2.3) waits for every refused one to have room.
      const what = quota.counts[batch.outcomes.findIndex((o) => !o.allowed)] ?? 'records';
      const wait = Math.max(0, ...batch.outcomes.map((o) => (o.allowed ? 0 : o.retryAfterMs)));
      const retry = retryAfterSeconds(wait);
      return problemResponse('quota-exceeded', `too many ${what} for this caller; retry later`, {
        headers: { 'retry-after': retry },
      });
    }
  }
  return undefined;
}

interface QuotaChecks {
  readonly checks: readonly LimitCheck[];
  /** What each check counts, in the same order, for the refusal's detail. */
  readonly counts: readonly ('records' | 'bytes')[];
}

/** The per-identity egress quotas this response charges, records then bytes; undefined: none. */
function quotaChecks(
  route: CompiledRoute,
  lookup: RiskLookup,
  outcome: ResponseOutcome,
): QuotaChecks | undefined {
  const who = lookup.identity ?? `prefix:${lookup.prefix}`;
  const checks: LimitCheck[] = [];
  const counts: ('records' | 'bytes')[] = [];
  const records = route.egress?.perIdentity;
  // Charged what was sent: records a cap dropped never reached the caller.
  const passed = outcome.passed ?? outcome.records;
  if (records !== undefined && passed > 0) {
    checks.push({ spec: records, key: `${records.id}:${who}`, cost: passed });
    counts.push('records');
  }
  const bytes = route.egress?.perIdentityBytes;
  if (bytes !== undefined && outcome.bytes !== undefined && outcome.bytes > 0) {
    checks.push({ spec: bytes, key: `${bytes.id}:${who}`, cost: outcome.bytes });
    counts.push('bytes');
  }
  return checks.length === 0 ? undefined : { checks, counts };
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
    ...(f.block === undefined ? {} : { block: f.block }),
    level: after.enforced.level,
    wouldBe: after.wouldBe.level,
    score: after.score,
    retryAfterMs: after.enforced.retryAfterMs,
    layer: after.layer === undefined ? undefined : LAYER_NAMES[after.layer],
  };
}
