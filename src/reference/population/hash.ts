/**
 * Stateless 32-bit hashes. The population derives per-account and per-pair facts (who holds
 * whose number) from hashes instead of storing them, so a million address books cost no
 * memory and any single fact can be checked in O(1).
 */

/** A 32-bit finaliser (the "lowbias32" constants): every input bit affects every output bit. */
export function mix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash of (salt, a, b) as a float in [0, 1). a and b are non-negative integers below 2^32. */
export function unit3(salt: number, a: number, b: number): number {
  return mix32(mix32(salt ^ a) ^ Math.imul(b, 0x9e3779b1)) / 4294967296;
}

/** Hash of (salt, a) as a float in [0, 1). */
export function unit2(salt: number, a: number): number {
  return mix32(salt ^ mix32(a + 0x632be5ab)) / 4294967296;
}

/** A salt per purpose, derived from the world seed, so hashes for different facts are independent. */
export function saltFor(seed: number, purpose: number): number {
  return mix32(mix32(seed) ^ Math.imul(purpose, 0x27d4eb2f));
}
