import type { Agent } from '../../agent.ts';
import { formatE164 } from '../../../reference/e164.ts';
import type { AdaptiveAttacker, AdaptiveWorld } from './adaptive-spec.ts';
import { attackerRng, candidateWalk, controllerBase, leakList } from './common.ts';
import { adaptiveController } from './controller.ts';
import { knownNumbers } from './known-numbers.ts';
import { lookupPlan } from './lookup-plan.ts';
import { sliceWalk } from './target-walk.ts';

/** Known-registered numbers kept for padding: a bound on memory, and plenty of address books. */
export const KNOWN_POOL_CAPACITY = 50_000;

/**
 * `padding`: a swarm whose batches look like real address books. Each batch mixes fresh
 * candidates with numbers known to be registered (a leak list first, then what earlier answers
 * revealed), so that about `hitRatio` of it is registered; each account pads with its own fixed
 * book, which a quota of never-seen numbers charges only once. With `slice`, the fresh part is a
 * run of consecutive candidates: a range scan hidden inside plausible books.
 */
export function paddingAttacker(
  spec: Extract<AdaptiveAttacker, { kind: 'padding' }>,
  world: AdaptiveWorld,
): Agent {
  const rng = attackerRng(world, 2);
  const { population } = world;
  const known = knownNumbers(KNOWN_POOL_CAPACITY, leakList(world, spec, spec.leakSize, 0.05, rng));
  const walk =
    spec.slice === undefined
      ? candidateWalk(world, rng)
      : sliceWalk(population.candidateCount, (i) => formatE164(population.candidateAt(i)), spec.slice, rng);
  return adaptiveController({
    ...controllerBase(spec, world),
    plan: lookupPlan({ walk, batchSize: world.batchSize, padding: { known, hitRatio: spec.hitRatio }, rng }),
  });
}
