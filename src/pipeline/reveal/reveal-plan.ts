import type { Clock } from '../../core/clock.ts';
import type { LimitCheck, LimitSpec } from '../../core/limit.ts';
import type { RecordGate } from '../../egress/record-gate.ts';
import type { ContactsConfig, RevealTier } from '../../policy/types.ts';
import {
  ANCHORED,
  MUTUAL,
  SHOWN,
  VOUCHED,
  type ContactGraph,
  type GraphView,
} from '../../stores/contact-graph/contact-graph.ts';
import type { Store } from '../../stores/store.ts';
import { problemResponse } from '../problem.ts';
import { retryAfterSeconds } from '../rate-limit-headers.ts';
import { normalizeTarget } from '../targets.ts';
import type { PlainResponse, ResponseOutcome } from '../types.ts';

/**
 * Mutual-first reveals for one lookup (a route's `reveal`, policy `contacts`).
 *
 * A record whose number holds the caller's number (its account looked the caller up) passes at
 * once, as does one shown to the caller before. Any other record passes while the caller's
 * reveal budget lasts: a GCRA bucket chosen by the caller's trust, the anchored accounts known to
 * hold its number (counting those this very lookup finds). The rest are withheld, and the answer
 * says `enumguard-deferred: <seconds>` whenever the budget is spent, so a client asks again later
 * for the numbers it did not find. Whether that header is sent depends only on what the caller
 * already knows (its own reveals and the clock), never on how many records were withheld: it is
 * not an oracle for "some of these numbers are registered".
 */
export interface RevealPlan {
  readonly gate: RecordGate;
  /** Records the answer's lookup in the graph and charges the budget for what was shown. */
  settle(outcome: ResponseOutcome): Promise<PlainResponse | undefined>;
  headers(): Readonly<Record<string, string>>;
}

export interface RevealInputs {
  readonly contacts: ContactsConfig;
  readonly graph: ContactGraph;
  readonly store: Store;
  readonly clock: Clock;
  /** The caller's account fingerprint and its key value ("acct:…"), which keys its budget. */
  readonly account: number;
  readonly accountKey: string;
  /** The lookup's normalized targets. */
  readonly targets: readonly string[];
  /** The record member holding the number. */
  readonly member: string;
  /** Told when the population budget is found spent (a surge of unanchored accounts), with its wait. */
  readonly onPopulationSpent?: ((retryAfterMs: number) => void) | undefined;
}

export const DEFERRED_HEADER = 'enumguard-deferred';

/** The budget tier for `trust` vouchers: the highest whose threshold it reaches. */
export function tierFor(budget: readonly RevealTier[], trust: number): RevealTier {
  let tier = budget[0] as RevealTier;
  for (const t of budget) if (trust >= t.trust) tier = t;
  return tier;
}

export async function prepareReveal(p: RevealInputs): Promise<RevealPlan> {
  const { graph, targets } = p;
  const now = p.clock.now();
  const fps = targets.map((t) => graph.fingerprint(t));
  const index = new Map<string, number>();
  targets.forEach((t, i) => {
    if (!index.has(t)) index.set(t, i);
  });
  const viewed = graph.view(p.account, fps, now);
  const view: GraphView = viewed instanceof Promise ? await viewed : viewed;
  const vouchers = newVouchers(fps, view.flags);
  const trust = view.trust + vouchers.length;
  const tier = tierFor(p.contacts.budget, trust);
  const checks: LimitCheck[] = [{ spec: tier.spec, key: `${tier.spec.id}:${p.accountKey}`, cost: 0 }];
  const population = p.contacts.population;
  // An account not anchored (even counting this lookup's vouchers) also draws on the budget all
  // unanchored accounts share.
  if (population !== undefined && !view.anchored && trust < p.contacts.anchorAt)
    checks.push({ spec: population.spec, key: population.spec.id, cost: 0 });
  const peeked = p.store.consume(checks);
  const peek = peeked instanceof Promise ? await peeked : peeked;
  let allowance = Math.floor(Math.min(...peek.outcomes.map((o) => o.remaining)));
  const populationOutcome = checks.length > 1 ? peek.outcomes[1] : undefined;
  if (populationOutcome !== undefined && populationOutcome.remaining < 1 && population !== undefined)
    p.onPopulationSpent?.(Math.max(populationOutcome.retryAfterMs, unitMs(population.spec)));
  const shown: number[] = [];
  let remainingAfter = allowance;

  const gate: RecordGate = {
    member: p.member,
    admit(value) {
      const number = typeof value === 'string' ? normalizeTarget(value) : undefined;
      const i = number === undefined ? undefined : index.get(number);
      const flags = i === undefined ? 0 : (view.flags[i] as number);
      if ((flags & (MUTUAL | SHOWN)) !== 0) return true;
      if (allowance < 1) return false;
      allowance--;
      shown.push(i === undefined ? graph.fingerprint(number ?? '') : (fps[i] as number));
      return true;
    },
  };

  return {
    gate,
    async settle(outcome) {
      if (outcome.status < 200 || outcome.status >= 300) return undefined;
      const updated = graph.update(p.account, { held: fps, vouchers, shown }, p.clock.now());
      if (updated instanceof Promise) await updated;
      if (shown.length === 0) return undefined;
      const charged = p.store.consume(checks.map((c) => ({ ...c, cost: shown.length })));
      const batch = charged instanceof Promise ? await charged : charged;
      if (!batch.allowed) {
        // Other lookups spent the budget meanwhile: withhold this answer.
        const wait = Math.max(unitMs(tier.spec), ...batch.outcomes.map((o) => o.retryAfterMs));
        return problemResponse('quota-exceeded', 'too many reveals for this account; retry later', {
          headers: { 'retry-after': retryAfterSeconds(wait) },
        });
      }
      remainingAfter = Math.floor(Math.min(...batch.outcomes.map((o) => o.remaining)));
      return undefined;
    },
    headers() {
      if (remainingAfter >= 1) return {};
      return { [DEFERRED_HEADER]: String(Math.min(DAY_S, Math.max(1, Math.ceil(unitMs(tier.spec) / 1000)))) };
    },
  };
}

const DAY_S = 86_400;

/** How long the bucket takes to refill one reveal. */
function unitMs(spec: LimitSpec): number {
  return spec.windowMs / spec.limit;
}

/** Anchored accounts that hold the caller's number and are not yet among its vouchers (once each). */
function newVouchers(fps: readonly number[], flags: Uint8Array): number[] {
  const out: number[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < fps.length; i++) {
    const f = flags[i] as number;
    if ((f & (MUTUAL | ANCHORED)) !== (MUTUAL | ANCHORED) || (f & VOUCHED) !== 0) continue;
    const fp = fps[i] as number;
    if (seen.has(fp)) continue;
    seen.add(fp);
    out.push(fp);
  }
  return out;
}
