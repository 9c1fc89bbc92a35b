import type { Agent } from '../../agent.ts';
import type { AdaptiveAttacker, AdaptiveWorld } from './adaptive-spec.ts';
import { attackerRng, candidateWalk, controllerBase } from './common.ts';
import { adaptiveController } from './controller.ts';
import { lookupPlan } from './lookup-plan.ts';

/**
 * `swarm`: many accounts on many networks, jointly walking one random order of the candidate
 * space. Each account and each network finds its own pace by AIMD (under every limit it can
 * read in RateLimit fields, probing for those it cannot), waits out short refusals, and
 * retires an account refused for longer than `retireAfter`, registering a replacement SIM
 * while its budget of numbers lasts.
 */
export function swarmAttacker(
  spec: Extract<AdaptiveAttacker, { kind: 'swarm' }>,
  world: AdaptiveWorld,
): Agent {
  const rng = attackerRng(world, 1);
  return adaptiveController({
    ...controllerBase(spec, world),
    plan: lookupPlan({ walk: candidateWalk(world, rng), batchSize: world.batchSize, rng }),
  });
}
