import type { Rng } from '../../../core/rng.ts';
import type { RouteId, SlotView } from './plan.ts';

/**
 * How well each route answers, as the attacker sees it: an average of what each answer
 * yielded (revealed accounts per number looked up, or data per fetch), with refusals
 * counting as nothing. The next request goes to the best route this account may use now,
 * now and then to another one (exploration), so load moves to whichever answers best.
 * A route that answers "no such route" again and again is given up.
 */
export function routeScores(routes: readonly RouteId[], rng: Rng, explore = 0.05) {
  const score = new Map<RouteId, number>(routes.map((r) => [r, 1]));
  const missing = new Map<RouteId, number>(routes.map((r) => [r, 0]));
  const alive = (r: RouteId): boolean => (missing.get(r) as number) < 20;

  return {
    alive,
    anyAlive: () => routes.some(alive),
    /** Records one answer's yield (0 for a refusal), as a moving average. */
    record(route: RouteId, yielded: number): void {
      score.set(route, 0.8 * (score.get(route) as number) + 0.2 * yielded);
    },
    /** A 404 for a route (not for an account): after 20 in a row with no success, it is dropped. */
    missing(route: RouteId): void {
      missing.set(route, (missing.get(route) as number) + 1);
    },
    found(route: RouteId): void {
      missing.set(route, 0);
    },
    /** The route to use now: the best ready one, else the one ready soonest; undefined if none is alive. */
    choose(view: SlotView): RouteId | undefined {
      const live = routes.filter(alive);
      if (live.length === 0) return undefined;
      const ready = live.filter((r) => view.readyAt(r) <= view.now);
      if (ready.length === 0) return live.reduce((a, b) => (view.readyAt(b) < view.readyAt(a) ? b : a));
      if (ready.length > 1 && rng.next() < explore) return ready[rng.int(ready.length)];
      return ready.reduce((a, b) => ((score.get(b) as number) > (score.get(a) as number) ? b : a));
    },
    scoreOf: (route: RouteId): number => score.get(route) as number,
  };
}

export type RouteScores = ReturnType<typeof routeScores>;
