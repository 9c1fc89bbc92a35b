import type { AccountTable } from './accounts.ts';

/**
 * Each country's accounts on a ring, in account-index order (which is random with respect to
 * numbers). Nearness on the ring stands in for social nearness: address books draw contacts
 * from a window around the owner, and mutual contacts from a small symmetric window.
 */
export interface SocialRings {
  /** Accounts grouped by country: order[offsets[c] + p] is the account at place p of ring c. */
  readonly order: Int32Array;
  readonly offsets: readonly number[];
  readonly sizes: readonly number[];
  /** Each account's place on its country's ring. */
  readonly positions: Int32Array;
}

export function buildSocialRings(accounts: AccountTable, countryCount: number): SocialRings {
  const sizes = new Array<number>(countryCount).fill(0);
  for (let a = 0; a < accounts.count; a++) {
    const c = accounts.countries[a] as number;
    sizes[c] = (sizes[c] as number) + 1;
  }
  const offsets: number[] = [];
  let at = 0;
  for (const s of sizes) {
    offsets.push(at);
    at += s;
  }
  const fill = new Array<number>(countryCount).fill(0);
  const order = new Int32Array(accounts.count);
  const positions = new Int32Array(accounts.count);
  for (let a = 0; a < accounts.count; a++) {
    const c = accounts.countries[a] as number;
    const p = fill[c] as number;
    fill[c] = p + 1;
    positions[a] = p;
    order[(offsets[c] as number) + p] = a;
  }
  return { order, offsets, sizes, positions };
}
