/**
 * MurmurHash3's 32-bit finalizer: every input bit affects every output bit. The one mixer the
 * core's hash tables and keyed derivations share (the stores use it for fingerprints too).
 */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}
