import type { Agent } from '../../agent.ts';
import type { AdaptiveAttacker, AdaptiveWorld } from './adaptive-spec.ts';
import { attackerRng, candidateWalk, controllerBase, leakList } from './common.ts';
import { adaptiveController } from './controller.ts';
import { lookupPlan } from './lookup-plan.ts';
import { listWalk } from './target-walk.ts';

/**
 * `side-routes`: every route that returns data about an account. Lookups go to the full or the
 * delta route, whichever answers best for the account now (a refused or held route sends the
 * load to the other; what delta does not find is asked on the full route later); the photo and
 * profile of every account revealed are fetched on their own routes. Targets are random
 * candidates, or a leak list when `leakSize` is given.
 */
export function sideRoutesAttacker(
  spec: Extract<AdaptiveAttacker, { kind: 'side-routes' }>,
  world: AdaptiveWorld,
): Agent {
  const rng = attackerRng(world, 6);
  const walk =
    spec.leakSize === undefined
      ? candidateWalk(world, rng)
      : listWalk(leakList(world, spec, spec.leakSize, 0.1, rng));
  return adaptiveController({
    ...controllerBase(spec, world),
    plan: lookupPlan({
      walk,
      batchSize: world.batchSize,
      lookupRoutes: ['discover', 'delta'],
      fetch: ['photo', 'profile'],
      rng,
    }),
  });
}
