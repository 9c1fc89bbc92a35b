import type { Agent } from '../../agent.ts';
import type { AdaptiveAttacker, AdaptiveWorld } from './adaptive-spec.ts';
import { attackerRng, candidateWalk, controllerBase } from './common.ts';
import { adaptiveController } from './controller.ts';
import { lookupPlan } from './lookup-plan.ts';

/**
 * `recycler`: whenever an account is refused, or RateLimit fields show its budget cannot pay
 * for the next batch, it registers again for a fresh session: with the same number
 * (`recycle: same-number`), hoping the budget was the session's, or with the next of its `sims`
 * numbers (`fresh-number`), cycling back to the first when they run out.
 */
export function recyclerAttacker(
  spec: Extract<AdaptiveAttacker, { kind: 'recycler' }>,
  world: AdaptiveWorld,
): Agent {
  const rng = attackerRng(world, 3);
  return adaptiveController({
    ...controllerBase(spec, world),
    recycle: spec.recycle,
    plan: lookupPlan({ walk: candidateWalk(world, rng), batchSize: world.batchSize, rng }),
  });
}
