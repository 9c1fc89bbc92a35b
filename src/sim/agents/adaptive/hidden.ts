import type { Agent } from '../../agent.ts';
import type { AdaptiveAttacker, AdaptiveWorld } from './adaptive-spec.ts';
import { attackerRng, candidateWalk, controllerBase, leakList } from './common.ts';
import { adaptiveController } from './controller.ts';
import { knownNumbers } from './known-numbers.ts';
import { lookupPlan } from './lookup-plan.ts';

/**
 * `hidden`: a few accounts on one address it shares with real users (carrier-grade NAT, a
 * campus: the scenario puts legit users there with `legit.withAttackerAddress`), each paced
 * like a busy user (`numbersPerSecond.max` small), optionally padding its batches to
 * `hitRatio` with leaked numbers so its answers look like an address book's. A penalty on the
 * address falls on its neighbours too, which is what it counts on.
 */
export function hiddenAttacker(
  spec: Extract<AdaptiveAttacker, { kind: 'hidden' }>,
  world: AdaptiveWorld,
): Agent {
  const rng = attackerRng(world, 7);
  const padding =
    spec.hitRatio === undefined
      ? undefined
      : {
          known: knownNumbers(spec.leakSize, leakList(world, spec, spec.leakSize, 0.05, rng)),
          hitRatio: spec.hitRatio,
        };
  return adaptiveController({
    ...controllerBase(spec, world),
    plan: lookupPlan({
      walk: candidateWalk(world, rng),
      batchSize: world.batchSize,
      ...(padding ? { padding } : {}),
      rng,
    }),
  });
}
