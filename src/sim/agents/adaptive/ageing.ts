import type { Agent } from '../../agent.ts';
import type { AdaptiveAttacker, AdaptiveWorld } from './adaptive-spec.ts';
import { attackerRng, candidateWalk, controllerBase, leakList } from './common.ts';
import { adaptiveController } from './controller.ts';
import { knownNumbers } from './known-numbers.ts';
import { lookupPlan } from './lookup-plan.ts';
import { warmupPlan } from './warmup-plan.ts';

/**
 * `ageing`: registers its accounts, lets them age `age` while each behaves like a quiet user
 * (syncing a plausible book of `warmupBook` leaked numbers, re-syncing it every `warmupEvery`),
 * then scans as a swarm with accounts that count as established.
 */
export function ageingAttacker(
  spec: Extract<AdaptiveAttacker, { kind: 'ageing' }>,
  world: AdaptiveWorld,
): Agent {
  const rng = attackerRng(world, 4);
  const known = knownNumbers(spec.leakSize, leakList(world, spec, spec.leakSize, 0.05, rng));
  return adaptiveController({
    ...controllerBase(spec, world),
    ageMs: spec.ageMs,
    warmup: warmupPlan(known, spec.warmupBook, spec.warmupEveryMs, spec.accounts),
    plan: lookupPlan({ walk: candidateWalk(world, rng), batchSize: world.batchSize, rng }),
  });
}
