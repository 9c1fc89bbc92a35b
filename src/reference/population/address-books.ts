import { seededRng } from '../../core/rng.ts';
import type { AccountTable } from './accounts.ts';
import type { CandidateSpace } from './candidate-space.ts';
import { mix32, saltFor, unit2, unit3 } from './hash.ts';
import type { SocialRings } from './social-rings.ts';

/**
 * Address books, generated on demand from (seed, owner) so a million of them cost no memory,
 * and shaped so that "does owner hold this number?" is answered in O(1) without generating
 * the book: every entry is chosen by a hash threshold inside a window, so membership is a
 * window test plus one hash.
 *
 * An owner's book holds, by window:
 * - mutual contacts: accounts within MUTUAL_HALF_WINDOW places of the owner on the country's
 *   social ring, kept when a symmetric pair hash is below both sides' rates, so both hold
 *   each other's number;
 * - one-way contacts in the owner's country: a wider band of the same ring, by an ordered
 *   pair hash (they may not have the owner's number);
 * - contacts abroad: a band of the account-index ring, which mixes countries, keeping only
 *   accounts of other countries;
 * - numbers not on the service (friends without the app, landlines): a run of the owner's
 *   country's candidates from a hashed anchor, keeping the unregistered ones by hash. The run
 *   is taken in a scattered order of the country's candidates (index × stride, stride about
 *   0.618 of the count and coprime with it), not in number order: real books do not hold
 *   hundreds of consecutive numbers, and a run of them would look like a range scan.
 * Sizes are lognormal (mean BOOK_MEAN, median lower, a tail into the thousands).
 */
export const BOOK_MEAN = 300;
const BOOK_SIGMA = 1;
const BOOK_MU = Math.log(BOOK_MEAN) - (BOOK_SIGMA * BOOK_SIGMA) / 2;
const BOOK_MAX = 20_000;
/** Share of entries that are accounts on the service: most of a phone's contacts use the app. */
const REGISTERED_IN_BOOK = 0.6;
const MUTUAL_HALF_WINDOW = 100;
/** Wanted share of registered entries that are mutual (realised share is lower: min of rates). */
const MUTUAL_SHARE = 0.4;
/** Of the mutual rate, the share a pair realises on average (min of two skewed rates). */
const MUTUAL_REALISED = 0.6;
const FOREIGN_SHARE = 0.1;
/** Hash-keep rate inside the wider windows: lower spreads entries, higher generates faster. */
const DENSITY = 0.75;

export interface AddressBooks {
  /** The drawn size of the owner's book (the generated book is within sampling noise of it). */
  sizeOf: (owner: number) => number;
  /** The owner's address book as E.164 numbers; a fresh array the caller may keep. */
  addressBook: (owner: number) => Float64Array;
  /** Whether the owner's book holds population account `other`'s number. */
  holdsAccount: (owner: number, other: number) => boolean;
  /** Whether the owner's book holds unregistered candidate `index`. */
  holdsCandidate: (owner: number, index: number) => boolean;
}

interface Plan {
  ringSize: number;
  mutualWindow: number;
  mutualRate: number;
  directedWindow: number;
  directedRate: number;
  foreignWindow: number;
  foreignRate: number;
  anchor: number;
  span: number;
  unregisteredRate: number;
}

export function createAddressBooks(
  seed: number,
  space: CandidateSpace,
  accounts: AccountTable,
  rings: SocialRings,
  cacheSize = 256,
): AddressBooks {
  const total = accounts.count;
  const [sizeA, sizeB, mutualSalt, directedSalt, foreignSalt, anchorSalt, unregSalt, orderSalt] = [
    1, 2, 3, 4, 5, 6, 7, 8,
  ].map((p) => saltFor(seed, p)) as [number, number, number, number, number, number, number, number];

  const sizes = new Uint16Array(total);
  for (let a = 0; a < total; a++) {
    // Box-Muller from two independent hashes of (seed, account).
    const u1 = 1 - unit2(sizeA, a);
    const u2 = unit2(sizeB, a);
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    sizes[a] = Math.min(BOOK_MAX, Math.max(1, Math.round(Math.exp(BOOK_MU + BOOK_SIGMA * z))));
  }
  const mutualRateOf = (a: number): number =>
    Math.min(1, (MUTUAL_SHARE * REGISTERED_IN_BOOK * (sizes[a] as number)) / (2 * MUTUAL_HALF_WINDOW));

  const plan: Plan = {
    ringSize: 0,
    mutualWindow: 0,
    mutualRate: 0,
    directedWindow: 0,
    directedRate: 0,
    foreignWindow: 0,
    foreignRate: 0,
    anchor: 0,
    span: 0,
    unregisteredRate: 0,
  };
  /** Fills the shared `plan` for an owner; callers read it before the next call. */
  const planFor = (owner: number): Plan => {
    const size = sizes[owner] as number;
    const country = accounts.countries[owner] as number;
    const n = rings.sizes[country] as number;
    const registered = Math.round(size * REGISTERED_IN_BOOK);
    const unregistered = size - registered;
    const halfRing = Math.floor((n - 1) / 2);
    plan.ringSize = n;
    plan.mutualWindow = Math.min(MUTUAL_HALF_WINDOW, halfRing);
    plan.mutualRate = mutualRateOf(owner);
    const expectedMutual = MUTUAL_REALISED * plan.mutualRate * 2 * plan.mutualWindow;
    const directed = Math.max(0, registered * (1 - FOREIGN_SHARE) - expectedMutual);
    plan.directedWindow = Math.min(halfRing - plan.mutualWindow, Math.ceil(directed / (2 * DENSITY)));
    plan.directedRate = plan.directedWindow > 0 ? Math.min(1, directed / (2 * plan.directedWindow)) : 0;
    const abroad = 1 - n / total;
    const foreign = registered * FOREIGN_SHARE;
    plan.foreignWindow =
      abroad > 0 ? Math.min(Math.floor((total - 1) / 2), Math.ceil(foreign / (2 * DENSITY * abroad))) : 0;
    plan.foreignRate = plan.foreignWindow > 0 ? Math.min(1, foreign / (2 * plan.foreignWindow * abroad)) : 0;
    const candidates = space.countryCounts[country] as number;
    const free = 1 - n / candidates;
    plan.span = Math.min(candidates, Math.ceil(unregistered / (DENSITY * free)));
    plan.unregisteredRate = plan.span > 0 ? Math.min(1, unregistered / (plan.span * free)) : 0;
    plan.anchor = Math.floor(unit2(anchorSalt, owner) * candidates);
    return plan;
  };

  const holdsAccount = (owner: number, other: number): boolean => {
    if (owner === other || owner < 0 || owner >= total || other < 0 || other >= total) return false;
    const p = planFor(owner);
    if (accounts.countries[owner] === accounts.countries[other]) {
      let d = (rings.positions[other] as number) - (rings.positions[owner] as number);
      if (d < 0) d += p.ringSize;
      const dist = Math.min(d, p.ringSize - d);
      if (dist <= p.mutualWindow) {
        const lo = owner < other ? owner : other;
        const hi = owner < other ? other : owner;
        return unit3(mutualSalt, lo, hi) < Math.min(p.mutualRate, mutualRateOf(other));
      }
      return dist <= p.mutualWindow + p.directedWindow && unit3(directedSalt, owner, other) < p.directedRate;
    }
    let d = other - owner;
    if (d < 0) d += total;
    const dist = Math.min(d, total - d);
    return dist <= p.foreignWindow && unit3(foreignSalt, owner, other) < p.foreignRate;
  };

  // Per country: the stride of the scattered order and its inverse modulo the count.
  const strides = space.countryCounts.map((n) => scatterStride(n));

  const holdsCandidate = (owner: number, index: number): boolean => {
    if (owner < 0 || owner >= total) return false;
    const country = accounts.countries[owner] as number;
    const offset = space.countryOffsets[country] as number;
    const candidates = space.countryCounts[country] as number;
    const local = index - offset;
    if (!(local >= 0 && local < candidates)) return false;
    const p = planFor(owner);
    const [, inverse] = strides[country] as [number, number];
    // local = anchor + rel × stride (mod candidates), so rel = (local − anchor) × stride⁻¹.
    let diff = local - p.anchor;
    if (diff < 0) diff += candidates;
    const rel = mulMod(diff, inverse, candidates);
    return (
      rel < p.span &&
      unit3(unregSalt, owner, local) < p.unregisteredRate &&
      accounts.accountOfCandidate(index) < 0
    );
  };

  const generate = (owner: number): Float64Array => {
    const out: number[] = [];
    const p = planFor(owner);
    const { ringSize, mutualWindow, mutualRate, directedWindow, directedRate } = p;
    const { foreignWindow, foreignRate, anchor, span, unregisteredRate } = p;
    const country = accounts.countries[owner] as number;
    const ringStart = rings.offsets[country] as number;
    const pos = rings.positions[owner] as number;
    const near = (other: number, k: number): void => {
      const keep =
        k <= mutualWindow
          ? unit3(mutualSalt, Math.min(owner, other), Math.max(owner, other)) <
            Math.min(mutualRate, mutualRateOf(other))
          : unit3(directedSalt, owner, other) < directedRate;
      if (keep) out.push(accounts.numbers[other] as number);
    };
    for (let k = 1; k <= mutualWindow + directedWindow; k++) {
      near(rings.order[ringStart + ((pos + k) % ringSize)] as number, k);
      near(rings.order[ringStart + ((pos - k + ringSize) % ringSize)] as number, k);
    }
    const abroad = (other: number): void => {
      if (accounts.countries[other] !== country && unit3(foreignSalt, owner, other) < foreignRate) {
        out.push(accounts.numbers[other] as number);
      }
    };
    for (let k = 1; k <= foreignWindow; k++) {
      abroad((owner + k) % total);
      abroad((owner - k + total) % total);
    }
    const offset = space.countryOffsets[country] as number;
    const candidates = space.countryCounts[country] as number;
    const [stride] = strides[country] as [number, number];
    for (let k = 0; k < span; k++) {
      const local = (anchor + mulMod(k, stride, candidates)) % candidates;
      if (
        unit3(unregSalt, owner, local) < unregisteredRate &&
        accounts.accountOfCandidate(offset + local) < 0
      ) {
        out.push(space.at(offset + local));
      }
    }
    // Phones list contacts in no particular order; shuffle so no slice of a book is special.
    const rng = seededRng(mix32(orderSalt ^ owner));
    for (let i = out.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const t = out[i] as number;
      out[i] = out[j] as number;
      out[j] = t;
    }
    return Float64Array.from(out);
  };

  const cache = new Map<number, Float64Array>();
  return {
    sizeOf: (owner) => sizes[owner] ?? 0,
    holdsAccount,
    holdsCandidate,
    addressBook(owner) {
      if (!(owner >= 0 && owner < total)) return new Float64Array(0);
      let book = cache.get(owner);
      if (book) {
        cache.delete(owner);
      } else {
        book = generate(owner);
        if (cache.size >= cacheSize) {
          const oldest = cache.keys().next();
          if (!oldest.done) cache.delete(oldest.value);
        }
      }
      if (cacheSize === 0) return book; // nobody else holds it: no copy needed
      cache.set(owner, book);
      return book.slice();
    },
  };
}

/** A stride near 0.618 × n, coprime with n, and its inverse modulo n: a cheap scattering bijection. */
export function scatterStride(n: number): [number, number] {
  if (n <= 1) return [0, 0];
  let stride = Math.max(1, Math.round(n * 0.6180339887));
  while (gcd(stride, n) !== 1) stride++;
  return [stride, modInverse(stride, n)];
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function modInverse(a: number, n: number): number {
  let [t, newT, r, newR] = [0, 1, n, a];
  while (newR !== 0) {
    const q = Math.floor(r / newR);
    [t, newT] = [newT, t - q * newT];
    [r, newR] = [newR, r - q * newR];
  }
  return t < 0 ? t + n : t;
}

/** a × b mod n, exact for a, b < n < 2^40 (b is taken 13 bits at a time so no product passes 2^53). */
export function mulMod(a: number, b: number, n: number): number {
  if (a * b < Number.MAX_SAFE_INTEGER) return (a * b) % n;
  let result = 0;
  let base = a % n;
  while (b > 0) {
    const chunk = b % 8192;
    result = (result + base * chunk) % n;
    base = (base * 8192) % n;
    b = Math.floor(b / 8192);
  }
  return result;
}
