import type { KnownNumbers } from './known-numbers.ts';
import type { Plan } from './plan.ts';

/**
 * What an ageing account does while it waits to count as established: it looks like a quiet
 * real user, syncing a plausible address book (numbers of a leak list, mostly registered) once
 * and then re-syncing it through the delta route every `everyMs`. The book is the account's
 * own fixed slice of the known numbers, so a quota of never-seen numbers charges it once.
 */
export function warmupPlan(known: KnownNumbers, bookSize: number, everyMs: number, slots: number): Plan {
  const nextSync = new Float64Array(slots);
  const synced = new Uint8Array(slots);
  return {
    next(view) {
      if (view.now < (nextSync[view.slot] as number)) return { waitUntil: nextSync[view.slot] as number };
      const route = synced[view.slot] ? 'delta' : 'discover';
      const numbers = known.book(view.slot, bookSize);
      if (numbers.length === 0) return null;
      const path = route === 'delta' ? '/v1/contacts/discover/delta' : '/v1/contacts/discover';
      return { route, method: 'POST', path, body: { numbers }, cost: numbers.length, numbers, fresh: 0 };
    },
    answered(slot, job, response, ctx) {
      if (response.status === 200 && job.route === 'discover') synced[slot] = 1;
      // Spread the next sync by ±50%, as a person's phone would.
      nextSync[slot] = ctx.now() + everyMs * (0.5 + ctx.rng.next());
    },
    refused(slot, _job, ctx) {
      nextSync[slot] = ctx.now() + everyMs;
    },
  };
}
