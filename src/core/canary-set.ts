import { EnumguardError } from './errors.ts';
import { fmix32 } from './fmix32.ts';

/**
 * Membership of canary numbers, asked for every looked-up number on the request path: an
 * open-addressing hash table over one Float64Array, linear probing, load at most 1/2. A lookup
 * hashes the double's two 32-bit halves and reads a slot or two; it allocates nothing.
 *
 * No per-instance seed is needed: the table's occupancy is fixed at creation, so a caller's
 * queries cannot lengthen its clusters, and at load 1/2 a miss stops at an empty slot after
 * about 2.5 probes on average whatever numbers are asked.
 */
export interface CanarySet {
  /** Distinct canaries held. */
  readonly size: number;
  /** Whether `e164` (digits as a double, e.g. 447700900123) is a canary. Anything else: false. */
  has(e164: number): boolean;
  /**
   * The canaries present in a batch, each once, in the order of their first appearance. The
   * common case, no canary, returns one shared frozen empty array, so it allocates nothing.
   */
  hits(numbers: ArrayLike<number>): readonly number[];
  /** The canaries, ascending (a copy). */
  values(): number[];
}

const NONE: readonly number[] = Object.freeze([]);

export function createCanarySet(numbers: ArrayLike<number>): CanarySet {
  let capacity = 4;
  while (capacity < numbers.length * 2) capacity *= 2;
  const mask = capacity - 1;
  // NaN marks an empty slot: it equals nothing, so no query value can match it.
  const slots = new Float64Array(capacity).fill(Number.NaN);
  let size = 0;

  for (let i = 0; i < numbers.length; i++) {
    const n = numbers[i]!;
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new EnumguardError(
        'ERR_CONFIG',
        `canaries: [${i}] must be an E.164 number as a non-negative whole number, got ${String(n)}`,
      );
    }
    let s = slotOf(n) & mask;
    for (;;) {
      const v = slots[s]!;
      if (v !== v) {
        slots[s] = n;
        size++;
        break;
      }
      if (v === n) break;
      s = (s + 1) & mask;
    }
  }

  function has(e164: number): boolean {
    let s = slotOf(e164) & mask;
    for (;;) {
      const v = slots[s]!;
      if (v === e164) return true;
      if (v !== v) return false;
      s = (s + 1) & mask;
    }
  }

  function hits(batch: ArrayLike<number>): readonly number[] {
    let found: number[] | undefined;
    for (let i = 0; i < batch.length; i++) {
      const n = batch[i]!;
      if (!has(n)) continue;
      // Hits are rare and few, so a linear duplicate check beats a set.
      if (found === undefined) found = [n];
      else if (!found.includes(n)) found.push(n);
    }
    return found ?? NONE;
  }

  function values(): number[] {
    const out: number[] = [];
    for (let s = 0; s < capacity; s++) {
      const v = slots[s]!;
      if (v === v) out.push(v);
    }
    return out.sort((a, b) => a - b);
  }

  return { size, has, hits, values };
}

/**
 * The double's low and high 32 bits mixed by fmix32 (MurmurHash3's finalizer). `>>> 0` is the
 * value mod 2^32 for integers; non-integers and NaN hash somewhere and simply find no match.
 */
function slotOf(n: number): number {
  return fmix32((n >>> 0) ^ Math.imul(Math.floor(n / 4294967296) | 0, 0x9e3779b1)) >>> 0;
}
