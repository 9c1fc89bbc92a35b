import { seededRng, type Rng } from '../../src/core/rng.ts';

/**
 * Case `index` of a run seeded with `seed` gets its own generator, so any one case replays
 * alone (`--seed S --from I --cases 1`) without running the cases before it.
 */
export function caseRng(seed: number, index: number): Rng {
  return seededRng((Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)] as T;
}

/** A seed for a run that was given none: printed, so a failure can be replayed. */
export function freshSeed(): number {
  return (Date.now() ^ (process.pid << 16)) >>> 0;
}
