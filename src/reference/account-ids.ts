import { mix32 } from './population/hash.ts';

/**
 * Opaque account ids: a keyed 4-round Feistel permutation of the account index over 48 bits,
 * printed as 12 hex digits. Ids reveal neither the number nor the order of sign-up, so the
 * photo endpoint cannot be walked by counting ids, and no table is needed to map back.
 */
export interface AccountIds {
  idOf: (account: number) => string;
  /** The account index of an id, or -1 for anything that is not a well-formed id. */
  accountOf: (id: string) => number;
}

const HALF = 0x1000000; // 2^24
const ROUNDS = 4;
const ID_PATTERN = /^[0-9a-f]{12}$/;

export function createAccountIds(seed: number): AccountIds {
  const keys = Array.from({ length: ROUNDS }, (_, r) => mix32(seed ^ Math.imul(r + 1, 0x9e3779b9)));
  const round = (x: number, r: number): number => mix32(x ^ (keys[r] as number)) & (HALF - 1);
  return {
    idOf(account) {
      let left = Math.floor(account / HALF);
      let right = account % HALF;
      for (let r = 0; r < ROUNDS; r++) {
        const next = left ^ round(right, r);
        left = right;
        right = next;
      }
      return (left * HALF + right).toString(16).padStart(12, '0');
    },
    accountOf(id) {
      if (!ID_PATTERN.test(id)) return -1;
      const value = parseInt(id, 16);
      let left = Math.floor(value / HALF);
      let right = value % HALF;
      for (let r = ROUNDS - 1; r >= 0; r--) {
        const prev = right ^ round(left, r);
        right = left;
        left = prev;
      }
      return left * HALF + right;
    },
  };
}
