import type { Rng } from '../../../core/rng.ts';
import { affinePermutation } from '../targets.ts';

/**
 * Fresh candidates for a scan, shared by every account of one attacker so that together they
 * cover the space once. Only the public numbering plan is used (`candidateAt`), never which
 * numbers are registered. Memory is constant: positions, not lists.
 */
export interface TargetWalk {
  /** Up to `count` numbers not handed out before; fewer or none once the walk is over. */
  take(count: number): string[];
  readonly done: () => boolean;
}

/** Every candidate once, in a seeded random order. */
export function randomWalk(candidates: number, candidateAt: (i: number) => string, rng: Rng): TargetWalk {
  const at = affinePermutation(candidates, rng);
  let next = 0;
  return {
    take(count) {
      const take = Math.min(count, candidates - next);
      const out = new Array<string>(take);
      for (let i = 0; i < take; i++) out[i] = candidateAt(at(next + i));
      next += take;
      return out;
    },
    done: () => next >= candidates,
  };
}

/**
 * Runs of `slice` consecutive candidates, the runs in a seeded random order: a range scan cut
 * into pieces small enough to hide inside plausible address books.
 */
export function sliceWalk(
  candidates: number,
  candidateAt: (i: number) => string,
  slice: number,
  rng: Rng,
): TargetWalk {
  const runs = Math.ceil(candidates / slice);
  const order = affinePermutation(runs, rng);
  let run = 0;
  let within = 0;
  return {
    take(count) {
      const out: string[] = [];
      while (out.length < count && run < runs) {
        const first = order(run) * slice;
        const index = first + within;
        if (within >= slice || index >= candidates) {
          run++;
          within = 0;
          continue;
        }
        out.push(candidateAt(index));
        within++;
      }
      return out;
    },
    done: () => run >= runs,
  };
}

/** A list in order (a leak list), then nothing. */
export function listWalk(numbers: readonly string[]): TargetWalk {
  let next = 0;
  return {
    take(count) {
      const out = numbers.slice(next, next + count);
      next += out.length;
      return out;
    },
    done: () => next >= numbers.length,
  };
}
