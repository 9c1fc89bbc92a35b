import { internalError } from '../../core/internal-error.ts';

/**
 * An open-addressing hash table from integer keys (up to 2^53) to small non-negative
 * integers, in typed arrays. It maps a block key to its block number on every lookup the
 * simulator makes, so it avoids Map's boxed-number hashing.
 */
export interface KeyTable {
  /** The value stored for `key`, or -1. */
  get: (key: number) => number;
  readonly size: number;
}

export function createKeyTable(keys: ArrayLike<number>): KeyTable {
  let capacity = 16;
  while (capacity < keys.length * 2) capacity *= 2;
  const mask = capacity - 1;
  const slotKeys = new Float64Array(capacity).fill(-1);
  const slotValues = new Int32Array(capacity);
  const slotOf = (key: number): number => {
    // Floor division rather than `%`: V8 calls out to fmod for `%` on doubles past 2^31.
    const high = Math.floor(key / 4294967296);
    const low = key - high * 4294967296;
    let h = Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 15;
    h = Math.imul(h, 0xc2b2ae35);
    return (h ^ (h >>> 13)) & mask;
  };
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as number;
    let s = slotOf(key);
    while (slotKeys[s] !== -1) {
      // The candidate space draws each block once (a Set), so a key twice is its bug.
      if (slotKeys[s] === key) throw internalError(`key table: duplicate key ${key}`);
      s = (s + 1) & mask;
    }
    slotKeys[s] = key;
    slotValues[s] = i;
  }
  return {
    size: keys.length,
    get(key) {
      if (!(key >= 0)) return -1;
      let s = slotOf(key);
      for (;;) {
        const k = slotKeys[s];
        if (k === key) return slotValues[s] as number;
        if (k === -1) return -1;
        s = (s + 1) & mask;
      }
    },
  };
}
