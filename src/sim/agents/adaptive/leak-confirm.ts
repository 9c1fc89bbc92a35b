import type { Agent } from '../../agent.ts';
import type { AdaptiveAttacker, AdaptiveWorld } from './adaptive-spec.ts';
import { attackerRng, controllerBase, leakList } from './common.ts';
import { adaptiveController } from './controller.ts';
import { lookupPlan } from './lookup-plan.ts';
import { listWalk } from './target-walk.ts';

/**
 * `leak-confirm`: looks up only the numbers of a leak list (mostly registered, a `staleShare`
 * not), to harvest profile data: for every account revealed it fetches the photo and the
 * profile ("about") on their own routes, whatever the lookup answer showed.
 */
export function leakConfirmAttacker(
  spec: Extract<AdaptiveAttacker, { kind: 'leak-confirm' }>,
  world: AdaptiveWorld,
): Agent {
  const rng = attackerRng(world, 5);
  const walk = listWalk(leakList(world, spec, spec.size, spec.staleShare, rng));
  return adaptiveController({
    ...controllerBase(spec, world),
    plan: lookupPlan({ walk, batchSize: world.batchSize, fetch: ['photo', 'profile'], rng }),
  });
}
