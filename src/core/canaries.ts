import { EnumguardError } from './errors.ts';
import { fmix32 } from './fmix32.ts';

/**
 * Canary numbers: tripwires no real address book holds, so any identity that looks one up is
 * enumerating. The policy lists them or asks for them to be generated here, deterministically
 * from a secret, inside ranges of numbers that are never assigned to subscribers.
 *
 * Construction (pure, no node:crypto, so the core stays runnable in the simulator and any JS
 * runtime):
 * - The secret is folded into four 32-bit key words by two FNV-1a-style passes and the
 *   MurmurHash3 finalizer (fmix32), which makes every secret bit reach every key bit.
 * - Each range draws its numbers from a keyed pseudo-random permutation of its offsets
 *   [0, size): a 6-round balanced Feistel network over the smallest even-bit domain ≥ size
 *   (at most 4 × size), with cycle walking (Black & Rogaway, "Ciphers with arbitrary finite
 *   domains", 2002) to stay inside the range. The first k outputs of a permutation are k
 *   distinct offsets: uniqueness by construction, no rejection set, O(k) time.
 * - The round function is fmix32 of (half, key word, round, range tweak). The tweak comes from
 *   the range's first number, so a range keeps its canaries when others are added or reordered
 *   (as long as its share of `count` stays the same).
 *
 * This is NOT a cryptographic PRF. That is acceptable here: the default ranges are public
 * (regulators publish them), so an attacker who wants to avoid canaries skips whole ranges,
 * which no keyed construction prevents; the secret only keeps WHICH numbers of a range are
 * canaries from being computed by someone who does not know it. Deployments that need the
 * canaries to resist key recovery from observed canaries should list them in the policy,
 * drawn with a CSPRNG.
 */

/** An inclusive interval of E.164 numbers held as doubles, e.g. [447700900000, 447700900999]. */
export interface CanaryRange {
  readonly start: number;
  readonly end: number;
}

export interface CanaryGenerationOptions {
  /** Non-empty; the policy should demand a long random one. */
  readonly secret: string;
  /** How many canaries in all, spread over the ranges in proportion to their sizes. */
  readonly count: number;
  readonly ranges: readonly CanaryRange[];
}

/** Generation is a policy-load step, so a bound keeps a bad policy from allocating gigabytes. */
export const MAX_CANARIES = 1_000_000;

/** E.164 allows at most 15 digits. */
const MAX_E164 = 999_999_999_999_999;
const ROUNDS = 6;

/** Sorted, unique canary numbers for the secret; the same inputs always give the same set. */
export function generateCanaries(options: CanaryGenerationOptions): number[] {
  const { secret, count } = options;
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new EnumguardError('ERR_CONFIG', 'canaries: the secret must be a non-empty string');
  }
  if (!Number.isSafeInteger(count) || count < 0 || count > MAX_CANARIES) {
    throw new EnumguardError(
      'ERR_CONFIG',
      `canaries: count must be an integer from 0 to ${MAX_CANARIES}, got ${String(count)}`,
    );
  }
  const ranges = checkRanges(options.ranges);
  const total = ranges.reduce((sum, r) => sum + (r.end - r.start + 1), 0);
  if (count > total) {
    throw new EnumguardError(
      'ERR_CONFIG',
      `canaries: count ${count} exceeds the ${total} numbers the ranges hold`,
    );
  }
  const quotas = allocate(
    count,
    ranges.map((r) => r.end - r.start + 1),
    total,
  );
  const key = deriveKey(secret);
  const out = new Float64Array(count);
  let filled = 0;
  for (let i = 0; i < ranges.length; i++) {
    const range = ranges[i]!;
    const quota = quotas[i]!;
    if (quota === 0) continue;
    const perm = createPermutation(range.end - range.start + 1, key, rangeTweak(range.start));
    for (let j = 0; j < quota; j++) out[filled++] = range.start + perm(j);
  }
  out.sort();
  return Array.from(out);
}

/** Validated copies, sorted by start; overlaps are a configuration error, not silently merged. */
function checkRanges(ranges: readonly CanaryRange[]): CanaryRange[] {
  if (ranges.length === 0) {
    throw new EnumguardError('ERR_CONFIG', 'canaries: at least one range is required');
  }
  const sorted = ranges.map((r, i) => {
    const { start, end } = r;
    if (
      !Number.isSafeInteger(start) ||
      !Number.isSafeInteger(end) ||
      start < 1 ||
      end > MAX_E164 ||
      start > end
    ) {
      throw new EnumguardError(
        'ERR_CONFIG',
        `canaries: ranges[${i}] must be whole E.164 numbers with 1 ≤ start ≤ end ≤ ${MAX_E164}, got ${String(start)}..${String(end)}`,
      );
    }
    return { start, end };
  });
  sorted.sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.start <= sorted[i - 1]!.end) {
      throw new EnumguardError(
        'ERR_CONFIG',
        `canaries: ranges ${sorted[i - 1]!.start}..${sorted[i - 1]!.end} and ${sorted[i]!.start}..${sorted[i]!.end} overlap`,
      );
    }
  }
  return sorted;
}

/**
 * Largest-remainder (Hamilton) apportionment: each range gets floor(count × size / total), and
 * the numbers left over go to the largest fractional parts (ties to the earlier range). Every
 * quota is then within 1 of its exact proportional share and never above the range's size.
 */
export function allocate(count: number, sizes: readonly number[], total: number): number[] {
  const quotas = sizes.map((size) => Math.min(size, Math.floor((count * size) / total)));
  let left = count - quotas.reduce((a, b) => a + b, 0);
  if (left > 0) {
    const order = sizes
      .map((size, i) => ({ i, frac: (count * size) / total - quotas[i]! }))
      .sort((a, b) => b.frac - a.frac || a.i - b.i);
    // Passes repeat only if float rounding left a range full; each pass adds at least one.
    while (left > 0) {
      for (const { i } of order) {
        if (left === 0) break;
        if (quotas[i]! < sizes[i]!) {
          quotas[i]!++;
          left--;
        }
      }
    }
  }
  return quotas;
}

/** Four 32-bit key words from the secret's UTF-16 code units. */
function deriveKey(secret: string): Int32Array {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < secret.length; i++) {
    const c = secret.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  const len = secret.length;
  const key = new Int32Array(4);
  key[0] = fmix32(a ^ len);
  key[1] = fmix32(b ^ Math.imul(len, 0x9e3779b1));
  key[2] = fmix32(key[0] ^ Math.imul(key[1], 0x85ebca6b) ^ 0x243f6a88);
  key[3] = fmix32(key[1] ^ Math.imul(key[0], 0xc2b2ae35) ^ 0x13198a2e);
  return key;
}

function rangeTweak(start: number): number {
  const lo = start >>> 0; // ToUint32 is start mod 2^32 for any safe integer
  const hi = Math.floor(start / 4294967296);
  return fmix32(lo ^ fmix32(hi ^ 0x3c6ef372));
}

/**
 * A keyed permutation of [0, size): index j → a distinct offset. Feistel over 2·half bits with
 * cycle walking; the domain is < 4 × size, so a walk takes under 4 steps on average.
 */
function createPermutation(size: number, key: Int32Array, tweak: number): (j: number) => number {
  if (size === 1) return () => 0;
  let bits = Math.ceil(Math.log2(size));
  if (2 ** bits < size) bits++; // guard log2 rounding near powers of two
  if (bits % 2 === 1) bits++;
  const half = bits / 2; // ≤ 25 for 15-digit ranges, so a half fits an int32 mask
  const base = 2 ** half;
  const mask = base - 1;
  const round = (r: number, x: number): number =>
    fmix32(fmix32(x ^ key[r & 3]! ^ Math.imul(r + 1, 0x9e3779b9)) ^ tweak ^ key[(r + 1) & 3]!) & mask;
  const encrypt = (x: number): number => {
    let left = Math.floor(x / base);
    let right = x - left * base;
    for (let r = 0; r < ROUNDS; r++) {
      const next = left ^ round(r, right);
      left = right;
      right = next;
    }
    return left * base + right;
  };
  return (j: number): number => {
    let y = encrypt(j);
    while (y >= size) y = encrypt(y);
    return y;
  };
}
