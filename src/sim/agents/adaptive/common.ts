import { seededRng, type Rng } from '../../../core/rng.ts';
import { formatE164 } from '../../../reference/e164.ts';
import { leakedNumbers } from '../targets.ts';
import type { AdaptiveAttacker, AdaptiveWorld } from './adaptive-spec.ts';
import type { ControllerOptions } from './controller.ts';
import { networksOf } from './networks.ts';
import { randomWalk, type TargetWalk } from './target-walk.ts';

/**
 * The attacker's own SIM numbers under +999 (a code the ITU keeps spare, so they never collide
 * with the population), as simNumbers() in attackers.ts: ten digits, the entry's index first.
 */
export function simNumber(index: number, sim: number): string {
  return `+999${String(index * 10_000_000 + sim).padStart(10, '0')}`;
}

/** The entry's own seeded randomness, apart from other entries'. */
export function attackerRng(world: AdaptiveWorld, salt: number): Rng {
  return seededRng((0xada97 + world.index * 7919 + salt) >>> 0);
}

/** The controller options every kind starts from: accounts, SIMs, networks, pacing, retiring. */
export function controllerBase(
  spec: AdaptiveAttacker,
  world: AdaptiveWorld,
): Omit<ControllerOptions, 'plan'> {
  return {
    id: `${spec.kind}-adaptive-${world.index}`,
    startAt: spec.startAtMs,
    slots: spec.accounts,
    sims: Math.max(spec.sims, spec.accounts),
    simNumber: (sim) => simNumber(world.index, sim),
    networks: networksOf(spec.networks, world.index),
    lookupPace: spec.numbersPerSecond,
    fetchPace: {
      start: spec.fetchesPerSecond / 4,
      min: Math.min(spec.fetchesPerSecond / 4, 1 / 3600),
      max: spec.fetchesPerSecond,
    },
    retireAfterMs: spec.retireAfterMs,
  };
}

/** Every valid candidate once, in the entry's own random order: only the public numbering plan. */
export function candidateWalk(world: AdaptiveWorld, rng: Rng): TargetWalk {
  const { population } = world;
  return randomWalk(population.candidateCount, (i) => formatE164(population.candidateAt(i)), rng);
}

/** A leak list as leak-list's (targets.ts): registered numbers as of the attack's start, some stale. */
export function leakList(
  world: AdaptiveWorld,
  spec: AdaptiveAttacker,
  size: number,
  staleShare: number,
  rng: Rng,
): string[] {
  const { population } = world;
  return leakedNumbers(population, size, staleShare, population.startMs + spec.startAtMs, rng);
}
