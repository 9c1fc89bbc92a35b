import { EnumguardError } from '../../core/errors.ts';
import type { Rng } from '../../core/rng.ts';
import { createKeyTable, type KeyTable } from './key-table.ts';
import { blockKeyAt, cumulativeBlocks, mobilePlan } from './mobile-ranges.ts';
import { BLOCK_SIZE } from './pattern-ranges.ts';

/**
 * The candidate space: the valid mobile numbers an attacker would generate, scaled down to
 * the simulated population. Each country contributes whole blocks of 10,000 numbers drawn
 * at random from its libphonenumber mobile ranges. Candidate i is number i % 10,000 of block
 * floor(i / 10,000); blocks are sorted within a country and countries follow each other, so
 * consecutive indexes scan consecutive numbers (the sequential-scan attacker) and uniform
 * indexes sample the space uniformly (the researchers' random-valid-number attacker).
 */
export interface CandidateSpace {
  readonly count: number;
  /** Per country: its first candidate index and how many candidates it has. */
  readonly countryOffsets: readonly number[];
  readonly countryCounts: readonly number[];
  readonly callingCodes: readonly string[];
  /** The E.164 number (as digits in a double) of candidate `index`, 0 <= index < count. */
  at: (index: number) => number;
  /** The candidate index of an E.164 number, or -1 when it is not a candidate. */
  indexOf: (e164: number) => number;
  /** The country index of candidate `index`. */
  countryOfIndex: (index: number) => number;
}

export interface CountryBudget {
  readonly code: string;
  readonly blocks: number;
}

export function buildCandidateSpace(budgets: readonly CountryBudget[], rng: Rng): CandidateSpace {
  const keys: number[] = [];
  const countryOffsets: number[] = [];
  const countryCounts: number[] = [];
  const callingCodes: string[] = [];
  const blockCountry: number[] = [];
  budgets.forEach((budget, country) => {
    const plan = mobilePlan(budget.code);
    if (budget.blocks > plan.blockCount) {
      // The budget grows with the accounts asked for: too many of them is the caller's to fix.
      throw new EnumguardError(
        'ERR_CONFIG',
        `too many accounts for the population: ${budget.code} would need ${budget.blocks} blocks of ${BLOCK_SIZE} mobile numbers and libphonenumber knows ${plan.blockCount}; ask for fewer accounts`,
      );
    }
    const cumulative = cumulativeBlocks(plan);
    const chosen = new Set<number>();
    while (chosen.size < budget.blocks) chosen.add(rng.int(plan.blockCount));
    const countryKeys = [...chosen].map((i) => blockKeyAt(plan, cumulative, i)).sort((a, b) => a - b);
    countryOffsets.push(keys.length * BLOCK_SIZE);
    countryCounts.push(countryKeys.length * BLOCK_SIZE);
    callingCodes.push(plan.callingCode);
    for (const k of countryKeys) {
      keys.push(k);
      blockCountry.push(country);
    }
  });
  const blockKeys = Float64Array.from(keys);
  const blockCountries = Uint8Array.from(blockCountry);
  const table: KeyTable = createKeyTable(blockKeys);
  const count = blockKeys.length * BLOCK_SIZE;
  return {
    count,
    countryOffsets,
    countryCounts,
    callingCodes,
    at(index) {
      // Floor division rather than `%`: V8 takes a slow path for `%` on values past 2^31.
      const block = Math.floor(index / BLOCK_SIZE);
      const r = index - block * BLOCK_SIZE;
      const key = blockKeys[block];
      if (key === undefined || !(index >= 0))
        // Agent modules call candidateAt with their own indexes.
        throw new EnumguardError(
          'ERR_CONFIG',
          `candidateAt(${index}): the index must be a whole number in [0, ${count})`,
        );
      return key * BLOCK_SIZE + r;
    },
    indexOf(e164) {
      const key = Math.floor(e164 / BLOCK_SIZE);
      const r = e164 - key * BLOCK_SIZE;
      const block = table.get(key);
      return block < 0 ? -1 : block * BLOCK_SIZE + r;
    },
    countryOfIndex(index) {
      return blockCountries[Math.floor(index / BLOCK_SIZE)] ?? -1;
    },
  };
}
