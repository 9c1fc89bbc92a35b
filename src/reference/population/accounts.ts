import { internalError } from '../../core/internal-error.ts';
import type { Rng } from '../../core/rng.ts';
import type { CandidateSpace } from './candidate-space.ts';

/**
 * Which candidates are registered, and the facts of each account, in flat typed arrays:
 * about 40 bytes per account plus 2 bits per candidate, so a million accounts over 18M
 * candidates take tens of megabytes and build in well under a second.
 *
 * A bit per candidate says "registered"; the account is found by rank (set bits before it,
 * from a per-word prefix count plus a popcount), then through a random permutation, so
 * account indexes carry no order of numbers or countries: the first 100k accounts are a fair
 * sample of the world.
 */
export const VISIBLE_PHOTO = 1;
export const VISIBLE_ABOUT = 2;

export interface AccountTable {
  readonly count: number;
  readonly numbers: Float64Array;
  readonly countries: Uint8Array;
  /** VISIBLE_PHOTO | VISIBLE_ABOUT bits: what the account shows to everyone. */
  readonly visibility: Uint8Array;
  readonly registeredAt: Float64Array;
  /** When the account unregistered (deleted it, or lost the number); Infinity for never. */
  readonly unregisteredAt: Float64Array;
  /**
   * registeredAt and unregisteredAt side by side ([2a], [2a + 1]): the lookup hot path tests
   * both for every account it finds, and one cache line then serves both.
   */
  readonly lifetimes: Float64Array;
  /** The account of a candidate index, or -1 when the candidate is not registered. */
  accountOfCandidate: (index: number) => number;
}

export interface AccountOptions {
  readonly perCountry: readonly number[];
  readonly photoPublicShare: number;
  readonly aboutPublicShare: number;
  readonly startMs: number;
  /** Share of accounts registering per day around the start: [start - 10 d, start + futureDays). */
  readonly recentPerDay: number;
  readonly futureDays: number;
  readonly historyDays: number;
  /** Share of accounts unregistering per day over the same window as recentPerDay. */
  readonly unregisteredPerDay: number;
}

const DAY_MS = 86_400_000;
/** The incremental-contact-discovery window (Hagen et al.): "recently registered" is 10 days. */
export const RECENT_DAYS = 10;

export function buildAccounts(space: CandidateSpace, options: AccountOptions, rng: Rng): AccountTable {
  const words = Math.ceil(space.count / 32);
  const bits = new Int32Array(words);
  let count = 0;
  options.perCountry.forEach((wanted, c) => {
    const offset = space.countryOffsets[c] ?? 0;
    const size = space.countryCounts[c] ?? 0;
    if (wanted > size)
      // createPopulation sizes each country's blocks for its accounts at most 90% dense.
      throw internalError(`country ${c} cannot hold ${wanted} accounts in ${size} candidates`);
    // Rejection sampling stays fast because no country is more than ~90% registered.
    for (let got = 0; got < wanted;) {
      const i = offset + rng.int(size);
      const w = i >>> 5;
      const bit = 1 << (i & 31);
      const word = bits[w] as number;
      if ((word & bit) === 0) {
        bits[w] = word | bit;
        got++;
      }
    }
    count += wanted;
  });

  // The rank index, interleaved: [2w] is the count of set bits before word w, [2w + 1] the word.
  // A lookup needs both, and side by side they share a cache line: random lookups over 18M
  // candidates are bound by cache misses, not arithmetic.
  const rankIndex = new Int32Array(2 * words);
  for (let w = 0, before = 0; w < words; w++) {
    const word = bits[w] as number;
    rankIndex[2 * w] = before;
    rankIndex[2 * w + 1] = word;
    before += popcount(word);
  }

  const rankToAccount = new Int32Array(count);
  for (let i = 0; i < count; i++) rankToAccount[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = rankToAccount[i] as number;
    rankToAccount[i] = rankToAccount[j] as number;
    rankToAccount[j] = t;
  }

  const numbers = new Float64Array(count);
  const countries = new Uint8Array(count);
  let rank = 0;
  for (let w = 0; w < words; w++) {
    let word = bits[w] as number;
    while (word !== 0) {
      const low = word & -word;
      const index = w * 32 + (31 - Math.clz32(low));
      const account = rankToAccount[rank++] as number;
      numbers[account] = space.at(index);
      countries[account] = space.countryOfIndex(index);
      word ^= low;
    }
  }

  const visibility = new Uint8Array(count);
  const registeredAt = new Float64Array(count);
  const recentShare = options.recentPerDay * (RECENT_DAYS + options.futureDays);
  const recentStart = options.startMs - RECENT_DAYS * DAY_MS;
  for (let a = 0; a < count; a++) {
    let v = 0;
    if (rng.next() < options.photoPublicShare) v |= VISIBLE_PHOTO;
    if (rng.next() < options.aboutPublicShare) v |= VISIBLE_ABOUT;
    visibility[a] = v;
    registeredAt[a] =
      rng.next() < recentShare
        ? recentStart + rng.next() * (RECENT_DAYS + options.futureDays) * DAY_MS
        : recentStart - rng.next() * options.historyDays * DAY_MS;
  }

  const unregisteredAt = unregistrations(registeredAt, options, rng);
  const lifetimes = new Float64Array(2 * count);
  for (let a = 0; a < count; a++) {
    lifetimes[2 * a] = registeredAt[a] as number;
    lifetimes[2 * a + 1] = unregisteredAt[a] as number;
  }

  return {
    count,
    numbers,
    countries,
    visibility,
    registeredAt,
    unregisteredAt,
    lifetimes,
    accountOfCandidate(index) {
      const w = index >>> 5;
      if (index < 0 || w >= words) return -1;
      const word = rankIndex[2 * w + 1] as number;
      const bit = 1 << (index & 31);
      if ((word & bit) === 0) return -1;
      return rankToAccount[(rankIndex[2 * w] as number) + popcount(word & (bit - 1))] as number;
    },
  };
}

/**
 * Accounts leaving in [start - 10 d, start + futureDays): the churn incremental contact
 * discovery must report as removals. Which accounts leave is drawn by geometric gaps, so the
 * draws scale with the few accounts that leave (a fraction of a percent), not with all of them.
 * A drawn time before the account's registration is dropped: the share comes out a little
 * under the configured one, by the share of recent registrations.
 */
function unregistrations(registeredAt: Float64Array, options: AccountOptions, rng: Rng): Float64Array {
  const count = registeredAt.length;
  const out = new Float64Array(count).fill(Infinity);
  const windowDays = RECENT_DAYS + options.futureDays;
  const share = Math.min(1, options.unregisteredPerDay * windowDays);
  if (!(share > 0)) return out;
  const logKeep = Math.log1p(-share);
  const gap = (): number => Math.floor(Math.log(1 - rng.next()) / logKeep);
  const windowStart = options.startMs - RECENT_DAYS * DAY_MS;
  for (let a = gap(); a < count; a += 1 + gap()) {
    const at = windowStart + rng.next() * windowDays * DAY_MS;
    if (at > (registeredAt[a] as number)) out[a] = at;
  }
  return out;
}

function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}
