import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { Rng } from '../../core/rng.ts';

/**
 * Numbers the probe looks up: drawn from ranges the numbering authorities reserve for fiction
 * and tests, so a probe of a live API asks about nobody real.
 * - NANP (US, CA): 555-0100 to 555-0199 in every area code are reserved for fictional use
 *   (NANPA). libphonenumber accepts them as valid, so an API that validates numbers takes them.
 * - GB: Ofcom keeps 07700 900000 to 07700 900999 for drama. libphonenumber marks them invalid,
 *   so an API that validates numbers refuses them (the probe then reports it inconclusive).
 * Other countries have no range we could confirm; the probe then draws NANP numbers and says so.
 */
export interface NumberSource {
  /** The country whose reserved range the numbers come from. */
  readonly country: string;
  /** A sentence for the report: which range, and why it holds nobody. */
  readonly description: string;
  /** How many distinct numbers the range holds; after that the draw repeats. */
  readonly poolSize: number;
  /** The next number, "+" and digits (E.164). */
  next(): string;
}

const RANGES = {
  US: 'NANP fictional numbers +1 NPA 555-01XX (NANPA reserves 555-0100..0199 in every area code)',
  CA: 'NANP fictional numbers +1 NPA 555-01XX (NANPA reserves 555-0100..0199 in every area code)',
  GB: 'Ofcom drama numbers +44 7700 900XXX (07700 900000..900999)',
} as const;
type RangeCountry = keyof typeof RANGES;

export function hasReservedRange(country: string): country is RangeCountry {
  return Object.hasOwn(RANGES, country);
}

/** Every number of the country's reserved range, in a seeded random order. */
export function syntheticNumbers(country: string, rng: Rng): NumberSource {
  const from: RangeCountry = hasReservedRange(country) ? country : 'US';
  const pool = from === 'GB' ? ofcomDrama() : nanpFictional(from);
  shuffle(pool, rng);
  let i = 0;
  const note = from === country ? '' : ` (no reserved range is known for ${country})`;
  return {
    country: from,
    description: RANGES[from] + note,
    poolSize: pool.length,
    next: () => pool[i++ % pool.length] as string,
  };
}

function ofcomDrama(): string[] {
  return Array.from({ length: 1000 }, (_, i) => `+447700900${String(i).padStart(3, '0')}`);
}

/** 555-01XX in each area code libphonenumber places in the country. */
function nanpFictional(country: 'US' | 'CA'): string[] {
  const out: string[] = [];
  for (let npa = 200; npa <= 999; npa++) {
    const probe = parsePhoneNumberFromString(`+1${npa}5550100`);
    if (!probe?.isValid() || probe.country !== country) continue;
    for (let line = 100; line <= 199; line++) out.push(`+1${npa}5550${line}`);
  }
  return out;
}

function shuffle(items: string[], rng: Rng): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = items[i] as string;
    items[i] = items[j] as string;
    items[j] = t;
  }
}
