import type { DensityState } from './range-density-state.ts';

export interface BlockContributor {
  readonly identity: number;
  /** New distinct numbers this identity added to the block in the window (a lower bound). */
  readonly numbers: number;
}

/**
 * Space-saving (Metwally et al. 2005) over block `s`'s k cells: credit one new number to
 * `identity`; returns its cell. An untracked identity takes the first empty cell, else the
 * cell with the least count, inheriting that count as its error.
 */
export function credit(st: DensityState, s: number, identity: number): number {
  const { k, ids, counts, errors, reported } = st;
  const base = s * k;
  let min = 0;
  let minAt = 0;
  for (let j = 0; j < k; j++) {
    const c = counts[base + j] as number;
    // Cells fill in order and empty only all together, so the first empty one means the
    // identity is not tracked yet.
    if (c === 0) {
      ids[base + j] = identity;
      counts[base + j] = 1;
      errors[base + j] = 0;
      reported[base + j] = 0;
      return j;
    }
    if ((ids[base + j] as number) === identity) {
      counts[base + j] = c + 1;
      return j;
    }
    if (j === 0 || c < min) {
      min = c;
      minAt = j;
    }
  }
  ids[base + minAt] = identity;
  counts[base + minAt] = min + 1;
  errors[base + minAt] = min;
  reported[base + minAt] = 0;
  return minAt;
}

/** Block `s`'s tracked contributors, most first, each marked reported. */
export function contributorsOf(st: DensityState, s: number): BlockContributor[] {
  const { k, ids, counts, errors, reported } = st;
  const base = s * k;
  const out: BlockContributor[] = [];
  for (let j = 0; j < k && (counts[base + j] as number) > 0; j++) {
    reported[base + j] = 1;
    out.push({
      identity: ids[base + j] as number,
      numbers: (counts[base + j] as number) - (errors[base + j] as number),
    });
  }
  return out.sort((a, b) => b.numbers - a.numbers || a.identity - b.identity);
}

/**
 * The `identity`'s contribution to block `s` if it is tracked and not yet reported in this
 * window (marking it reported), else undefined.
 */
export function unreportedContribution(
  st: DensityState,
  s: number,
  identity: number,
): BlockContributor | undefined {
  const { k, ids, counts, errors, reported } = st;
  const base = s * k;
  for (let j = 0; j < k; j++) {
    if ((counts[base + j] as number) > 0 && ids[base + j] === identity) {
      if (reported[base + j] !== 0) return undefined;
      reported[base + j] = 1;
      return { identity, numbers: (counts[base + j] as number) - (errors[base + j] as number) };
    }
  }
  return undefined;
}
