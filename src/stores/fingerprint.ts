import { fmix32 } from '../core/fmix32.ts';
/**
 * A 64-bit keyed fingerprint of a store key, as two 32-bit halves. The memory store keeps
 * fingerprints instead of key strings: a fixed 8 bytes per key, nothing for the garbage
 * collector to trace, and keys that never sit in memory in clear.
 *
 * Two keys share a fingerprint with probability about n² / 2⁶⁵ for n live keys (1 in 370,000
 * at 10 million keys); a collision merges two buckets, so it can only make a limit stricter
 * for the pair. The seed is random per store, so a client cannot craft a collision offline.
 */
export interface Fingerprint {
  a: number;
  b: number;
}

export function fingerprint(key: string, seedA: number, seedB: number, out: Fingerprint): void {
  let a = seedA ^ 0x811c9dc5;
  let b = seedB ^ 0x9747b28c;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  out.a = fmix32(a ^ key.length);
  out.b = fmix32(b ^ Math.imul(key.length, 0x9e3779b1));
}
