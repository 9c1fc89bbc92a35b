import { seededRng } from '../../core/rng.ts';
import { mix32 } from '../../reference/population/hash.ts';
import type { Population } from '../../reference/population/population.ts';

/**
 * Address books of the legit users whose books differ from the population's: power users
 * (sales people, recruiters) with thousands of numbers, and new users with a handful.
 */

/** Share of a power user's extra numbers that are accounts, as in the population's own books. */
const EXTRA_REGISTERED_SHARE = 0.6;
export const FEW_CONTACTS_MIN = 5;
export const FEW_CONTACTS_MAX = 20;

/**
 * The user's own book, extended to `size` numbers with extra ones drawn, the same every time
 * for this user, from the population's accounts (60%, the population books' registered share)
 * and its candidate numbers (40%, a few of them registered too). Extra accounts rarely hold the
 * user's number: a power user's large book is mostly one-way.
 */
export function powerUserBook(population: Population, account: number, size: number): Float64Array {
  const own = population.addressBook(account);
  if (own.length >= size) return own;
  const book = new Float64Array(size);
  book.set(own);
  const rng = seededRng(mix32(population.seed ^ Math.imul(account + 1, 0x2c1b3c6d)));
  for (let i = own.length; i < size; i++) {
    book[i] =
      rng.next() < EXTRA_REGISTERED_SHARE
        ? population.numberOf(rng.int(population.accountCount))
        : population.candidateAt(rng.int(population.candidateCount));
  }
  return book;
}

/** A new user's book: the first 5 to 20 numbers of the own book (books are shuffled, so any of them). */
export function fewContactsBook(population: Population, account: number): Float64Array {
  const span = FEW_CONTACTS_MAX - FEW_CONTACTS_MIN + 1;
  const size = FEW_CONTACTS_MIN + (mix32(population.seed ^ Math.imul(account + 1, 0x1b873593)) % span);
  return population.addressBook(account).subarray(0, size);
}
