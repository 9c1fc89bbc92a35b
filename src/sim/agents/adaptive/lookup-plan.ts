import type { Rng } from '../../../core/rng.ts';
import type { AgentContext, AgentResponse } from '../../agent.ts';
import { fetchQueue, type Fetch } from './fetch-queue.ts';
import { numberQueue, type KnownNumbers } from './known-numbers.ts';
import type { Job, Next, Plan, RouteId, SlotView } from './plan.ts';
import { deferredSeconds } from './rate-limit-fields.ts';
import { routeScores } from './route-scores.ts';
import type { TargetWalk } from './target-walk.ts';

export interface LookupPlanOptions {
  readonly walk: TargetWalk;
  readonly batchSize: number;
  /** Lookup routes to spread over (default: discover only). */
  readonly lookupRoutes?: readonly ('discover' | 'delta')[];
  /** Pad each batch with known-registered numbers so that this share of it is registered. */
  readonly padding?: { readonly known: KnownNumbers; readonly hitRatio: number };
  /** Fetch these for every revealed account. */
  readonly fetch?: readonly ('photo' | 'profile')[];
  /** Bound on numbers waiting to be asked again, and on fetches waiting. */
  readonly queueCapacity?: number;
  readonly rng: Rng;
}

interface Contact {
  readonly number?: unknown;
  readonly accountId?: unknown;
}

/** The smallest batch a plan shrinks to after detections. */
const MIN_BATCH = 10;

/** A refusal that names detection (a risk score), not a quota: 403 blocked, 429 abnormal usage. */
function detected(response: AgentResponse): boolean {
  if (response.status === 403) return true;
  const code = (response.body as { code?: unknown } | undefined)?.code;
  return response.status === 429 && code === 'abnormal-usage-detected';
}

/** The population's hit rate on random candidates before the attacker has measured its own. */
const PRIOR_HIT_RATE = 0.056;

/**
 * A scan: fresh candidates from a shared walk, padded with known-registered numbers when asked
 * to, numbers refused or withheld (`enumguard-deferred`) asked again later, lookups spread over
 * the lookup routes by how well they answer, and profile data fetched for what is revealed.
 */
export function lookupPlan(o: LookupPlanOptions): Plan & { readonly stats: () => LookupStats } {
  const capacity = o.queueCapacity ?? 200_000;
  const again = numberQueue(capacity);
  /** Numbers a delta lookup did not find: only the full lookup can tell whether they are registered. */
  const fullOnly = numberQueue(capacity);
  const fetches = fetchQueue(Math.max(1000, Math.floor(capacity / 10)));
  const lookups = routeScores(o.lookupRoutes ?? ['discover'], o.rng);
  const fetchRoutes = routeScores(o.fetch ?? [], o.rng);
  let batch = o.batchSize;
  /** Answers since the batch size last changed. */
  let calm = 0;
  let hitRate = PRIOR_HIT_RATE;
  const stats = { revealed: 0, fetched: 0, deferred: 0, lookups: 0 };

  function freshCount(slot: number): { fresh: number; padding: string[] } {
    if (!o.padding) return { fresh: batch, padding: [] };
    const target = o.padding.hitRatio;
    const wanted = Math.round((batch * (1 - target)) / Math.max(0.01, 1 - hitRate));
    const padding = o.padding.known.book(slot, batch - Math.min(batch, wanted));
    // Few known numbers yet: fewer fresh ones too, so the share registered stays on target.
    const affordable = Math.floor((padding.length * (1 - target)) / Math.max(0.01, target - hitRate));
    return { fresh: Math.max(1, Math.min(wanted, affordable, batch)), padding };
  }

  function takeFresh(route: RouteId, count: number, now: number): string[] {
    const out = again.take(now, count);
    if (route === 'discover' && out.length < count) out.push(...fullOnly.take(now, count - out.length));
    if (out.length < count) out.push(...o.walk.take(count - out.length));
    return out;
  }

  function nextFetch(view: SlotView): Next | undefined {
    const head = fetches.peek();
    if (head === undefined) return undefined;
    if (!fetchRoutes.alive(head.route)) {
      fetches.dropRoute(head.route);
      return nextFetch(view);
    }
    const readyAt = view.readyAt(head.route);
    if (readyAt > view.now) return fetches.full() ? { waitUntil: readyAt } : undefined;
    fetches.shift();
    const path = `/v1/accounts/${encodeURIComponent(head.accountId)}/${head.route}`;
    return { route: head.route, method: 'GET', path, cost: 1, accountId: head.accountId };
  }

  function nextLookup(view: SlotView): Next {
    const route = lookups.choose(view);
    const { fresh, padding } = freshCount(view.slot);
    const numbers = route === undefined ? [] : takeFresh(route, fresh, view.now);
    if (route === undefined || numbers.length === 0) {
      const due = Math.min(again.nextDue(), fullOnly.nextDue());
      if (fetches.size() > 0) return { waitUntil: view.now + 1000 };
      return Number.isFinite(due) ? { waitUntil: due } : null;
    }
    const all = numbers.concat(padding);
    return {
      route,
      method: 'POST',
      path: pathOf(route),
      body: { numbers: all },
      cost: all.length,
      numbers: all,
      fresh: numbers.length,
    };
  }

  function onLookup(job: Job, response: AgentResponse, now: number): void {
    const asked = (job.numbers ?? []).slice(0, job.fresh ?? 0);
    if (response.status === 413) {
      batch = Math.max(1, Math.floor(batch / 2));
      return again.push(now, asked);
    }
    if (response.status === 404) {
      lookups.missing(job.route);
      return again.push(now, asked);
    }
    if (response.status !== 200) {
      if (detected(response)) {
        // Refused for what the lookup looked like, not for its volume: smaller batches show a
        // detector less at a time (a threshold the attacker cannot see, probed downwards).
        batch = Math.max(MIN_BATCH, Math.floor(batch / 2));
        calm = 0;
      }
      return again.push(now + 60_000, asked);
    }
    // Answered: probe upwards again, slowly.
    if (++calm >= 20 && batch < o.batchSize) {
      batch = Math.min(o.batchSize, Math.ceil(batch * 1.25));
      calm = 0;
    }
    lookups.found(job.route);
    const contacts = (response.body as { contacts?: unknown } | undefined)?.contacts;
    const found = new Map<string, string>();
    if (Array.isArray(contacts))
      for (const c of contacts as Contact[])
        if (typeof c?.number === 'string')
          found.set(c.number, typeof c.accountId === 'string' ? c.accountId : '');
    const missed: string[] = [];
    let hits = 0;
    for (const n of asked) {
      const id = found.get(n);
      if (id === undefined) missed.push(n);
      else {
        hits++;
        o.padding?.known.add(n);
        if (id !== '')
          for (const route of o.fetch ?? []) fetches.push({ route, accountId: id } satisfies Fetch);
      }
    }
    stats.revealed += hits;
    stats.lookups += asked.length;
    if (asked.length > 0 && job.route === 'discover') hitRate = 0.9 * hitRate + (0.1 * hits) / asked.length;
    lookups.record(job.route, asked.length > 0 ? hits / asked.length / PRIOR_HIT_RATE : 0);
    const deferred = deferredSeconds(response.headers);
    if (deferred !== undefined) {
      stats.deferred += missed.length;
      again.push(now + deferred * 1000, missed);
    } else if (job.route === 'delta') fullOnly.push(now, missed);
  }

  return {
    next(view) {
      return nextFetch(view) ?? nextLookup(view);
    },
    answered(_slot, job, response, ctx: AgentContext) {
      if (job.accountId === undefined) return onLookup(job, response, ctx.now());
      if (response.status === 404) fetchRoutes.missing(job.route);
      else if (response.status === 200) {
        fetchRoutes.found(job.route);
        stats.fetched++;
      }
      fetchRoutes.record(job.route, response.status === 200 ? 1 : 0);
    },
    refused(_slot, job, ctx) {
      if (job.accountId !== undefined) {
        fetchRoutes.record(job.route, 0);
        fetches.push({ route: job.route as Fetch['route'], accountId: job.accountId });
        return;
      }
      lookups.record(job.route, 0);
      again.push(ctx.now(), (job.numbers ?? []).slice(0, job.fresh ?? 0));
    },
    stats: () => ({
      ...stats,
      batch,
      hitRate,
      queued: again.size() + fullOnly.size(),
      dropped: again.dropped(),
    }),
  };
}

export interface LookupStats {
  readonly revealed: number;
  readonly fetched: number;
  readonly deferred: number;
  readonly lookups: number;
  readonly batch: number;
  readonly hitRate: number;
  readonly queued: number;
  readonly dropped: number;
}

function pathOf(route: RouteId): string {
  return route === 'delta' ? '/v1/contacts/discover/delta' : '/v1/contacts/discover';
}
