import { EnumguardError } from '../../core/errors.ts';
import { seededRng } from '../../core/rng.ts';
import { buildAccounts, RECENT_DAYS, VISIBLE_ABOUT, VISIBLE_PHOTO } from './accounts.ts';
import { createAddressBooks } from './address-books.ts';
import { buildCandidateSpace } from './candidate-space.ts';
import { DEFAULT_COUNTRIES, overallRegisteredShare, type CountrySpec } from './countries.ts';
import { mix32 } from './hash.ts';
import { BLOCK_SIZE } from './pattern-ranges.ts';
import { buildSocialRings } from './social-rings.ts';

export { VISIBLE_ABOUT, VISIBLE_PHOTO, RECENT_DAYS };

/**
 * A synthetic, seeded world of phone numbers and accounts: the same options give the same
 * world. Numbers are E.164 digits held in a double (15 digits fit exactly), never strings.
 */
export interface PopulationOptions {
  readonly seed: number;
  /** Registered accounts (including those that register during the run). */
  readonly accounts: number;
  readonly countries?: readonly CountrySpec[];
  /** The run's start, ms since the epoch; registration times are laid out around it. */
  readonly startMs?: number;
  /** Photo visible to everyone (57% in the incident); the rest show it to contacts only. */
  readonly photoPublicShare?: number;
  /** "About" visible to everyone (29% in the incident); the rest show it to contacts only. */
  readonly aboutPublicShare?: number;
  /** Share of accounts registering per day, from 10 days before the start to futureDays after. */
  readonly recentPerDay?: number;
  readonly futureDays?: number;
  /** Older accounts registered uniformly over this many days before that. */
  readonly historyDays?: number;
  /**
   * Share of accounts unregistering per day over the same window as recentPerDay (deleted
   * accounts, numbers given up): what incremental contact discovery reports as removals.
   */
  readonly unregisteredPerDay?: number;
  /** Address books kept generated (an LRU); membership checks never need it. */
  readonly bookCacheSize?: number;
}

export interface CountryInfo {
  readonly code: string;
  readonly callingCode: string;
  readonly candidateOffset: number;
  readonly candidateCount: number;
  readonly accountCount: number;
}

export interface Population {
  readonly seed: number;
  readonly startMs: number;
  readonly countries: readonly CountryInfo[];
  readonly candidateCount: number;
  /** Candidate `index` in [0, candidateCount): a bijection onto the candidate space. */
  candidateAt: (index: number) => number;
  isCandidate: (e164: number) => boolean;
  /** The inverse of candidateAt, or -1. */
  candidateIndexOf: (e164: number) => number;
  readonly accountCount: number;
  /** The account holding a number, or -1 (ignores registration times: see registeredAt, unregisteredAt). */
  accountOf: (e164: number) => number;
  /** The account at a candidate index, or -1. */
  accountOfCandidate: (index: number) => number;
  numberOf: (account: number) => number;
  countryOf: (account: number) => number;
  registeredAt: (account: number) => number;
  /** When the account unregistered, Infinity for never; it is not found from then on. */
  unregisteredAt: (account: number) => number;
  /** VISIBLE_PHOTO | VISIBLE_ABOUT bits: what the account shows everyone, not just contacts. */
  visibilityOf: (account: number) => number;
  about: (account: number) => string;
  addressBookSize: (account: number) => number;
  addressBook: (account: number) => Float64Array;
  /** Whether the owner's address book holds the number (contacts are mutual where both do). */
  hasContact: (owner: number, e164: number) => boolean;
  /** hasContact when the number is already resolved: a population account... */
  holdsAccount: (owner: number, other: number) => boolean;
  /** ...or a candidate index that is not an account. */
  holdsCandidate: (owner: number, candidateIndex: number) => boolean;
  /** Typed arrays behind the accessors, for hot loops; do not modify. */
  readonly tables: {
    readonly numbers: Float64Array;
    readonly registeredAt: Float64Array;
    readonly unregisteredAt: Float64Array;
    /** [registeredAt, unregisteredAt] per account, interleaved for the lookup hot path. */
    readonly lifetimes: Float64Array;
    readonly visibility: Uint8Array;
    readonly countries: Uint8Array;
  };
}

const ABOUTS = [
  'Hey there! I am using WhatsApp.',
  'Available',
  'Busy',
  'At work',
  'Urgent calls only',
  'Sleeping',
  'Battery about to die',
  'In a meeting',
  "Can't talk, WhatsApp only",
  'At the gym',
] as const;

/** Ceiling on any country's registered share, so rejection sampling of accounts stays fast. */
const MAX_DENSITY = 0.9;

export function createPopulation(options: PopulationOptions): Population {
  const specs = options.countries ?? DEFAULT_COUNTRIES;
  const { seed, accounts: total } = options;
  if (!Number.isInteger(total) || total < 1)
    throw new EnumguardError(
      'ERR_CONFIG',
      `population: accounts must be a positive whole number, got ${total}`,
    );
  if (specs.length === 0 || specs.length > 255)
    throw new EnumguardError(
      'ERR_CONFIG',
      `population: between 1 and 255 countries are needed, got ${specs.length}`,
    );
  const startMs = options.startMs ?? Date.UTC(2025, 0, 1);
  const rng = seededRng(mix32(seed ^ 0x5eed));

  const overall = overallRegisteredShare(specs);
  const totalCandidates = total / overall;
  const weightSum = specs.reduce((s, c) => s + c.candidateShare * c.registeredShare, 0);
  const perCountry = apportion(
    total,
    specs.map((c) => (c.candidateShare * c.registeredShare) / weightSum),
  );
  const shareSum = specs.reduce((s, c) => s + c.candidateShare, 0);
  const budgets = specs.map((c, i) => {
    const byShare = Math.round((totalCandidates * c.candidateShare) / shareSum / BLOCK_SIZE);
    const byDensity = Math.ceil((perCountry[i] as number) / MAX_DENSITY / BLOCK_SIZE);
    return { code: c.code, blocks: Math.max(1, byShare, byDensity) };
  });
  const space = buildCandidateSpace(budgets, rng);
  const accounts = buildAccounts(
    space,
    {
      perCountry,
      photoPublicShare: options.photoPublicShare ?? 0.57,
      aboutPublicShare: options.aboutPublicShare ?? 0.29,
      startMs,
      recentPerDay: options.recentPerDay ?? 0.0005,
      futureDays: options.futureDays ?? 30,
      historyDays: options.historyDays ?? 8 * 365,
      unregisteredPerDay: options.unregisteredPerDay ?? 0.0002,
    },
    rng,
  );
  const rings = buildSocialRings(accounts, specs.length);
  const books = createAddressBooks(seed, space, accounts, rings, options.bookCacheSize);
  const aboutSalt = mix32(seed ^ 0xab0a7);

  const countries = specs.map((c, i) => ({
    code: c.code,
    callingCode: space.callingCodes[i] as string,
    candidateOffset: space.countryOffsets[i] as number,
    candidateCount: space.countryCounts[i] as number,
    accountCount: perCountry[i] as number,
  }));

  return {
    seed,
    startMs,
    countries,
    candidateCount: space.count,
    candidateAt: space.at,
    isCandidate: (e164) => space.indexOf(e164) >= 0,
    candidateIndexOf: space.indexOf,
    accountCount: accounts.count,
    accountOf: (e164) => {
      const i = space.indexOf(e164);
      return i < 0 ? -1 : accounts.accountOfCandidate(i);
    },
    accountOfCandidate: accounts.accountOfCandidate,
    numberOf: (a) => accounts.numbers[a] ?? NaN,
    countryOf: (a) => accounts.countries[a] ?? -1,
    registeredAt: (a) => accounts.registeredAt[a] ?? NaN,
    unregisteredAt: (a) => accounts.unregisteredAt[a] ?? NaN,
    visibilityOf: (a) => accounts.visibility[a] ?? 0,
    about: (a) => {
      // Three in four keep the default text; the rest pick one of the common ones.
      const pick = mix32(aboutSalt ^ a);
      return (pick & 3) === 0 ? (ABOUTS[(pick >>> 2) % ABOUTS.length] ?? ABOUTS[0]) : ABOUTS[0];
    },
    addressBookSize: books.sizeOf,
    addressBook: books.addressBook,
    hasContact(owner, e164) {
      const i = space.indexOf(e164);
      if (i < 0) return false;
      const other = accounts.accountOfCandidate(i);
      return other >= 0 ? books.holdsAccount(owner, other) : books.holdsCandidate(owner, i);
    },
    holdsAccount: books.holdsAccount,
    holdsCandidate: books.holdsCandidate,
    tables: {
      numbers: accounts.numbers,
      registeredAt: accounts.registeredAt,
      unregisteredAt: accounts.unregisteredAt,
      lifetimes: accounts.lifetimes,
      visibility: accounts.visibility,
      countries: accounts.countries,
    },
  };
}

/** Splits `total` by weights into integers that sum to it (largest remainder). */
function apportion(total: number, weights: readonly number[]): number[] {
  const exact = weights.map((w) => w * total);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((s, v) => s + v, 0);
  const order = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left-- <= 0) break;
    out[i] = (out[i] as number) + 1;
  }
  return out;
}
