/**
 * The memory of targets (phone numbers, emails, usernames) one limit key has queried, for
 * distinct limits: only targets never seen before are charged.
 *
 * A target is kept as a keyed 32-bit fingerprint, never in clear: 4 bytes in an insertion-
 * order log plus 8 to 16 bytes of open-addressing index (at most half full). A set starts at
 * 8 targets and doubles as needed, so keys that sync a small address book stay small.
 *
 * False positives: a never-seen target whose fingerprint equals a seen one is wrongly free.
 * For a set of n fingerprints that happens with probability about n / 2^32 per lookup:
 * 4.7e-5 at the default bound of 200,000 targets, so an enumerator gets about one free
 * lookup in 21,000 at most. The seed is random per store, so colliding numbers cannot be
 * chosen offline. (target-set.test.ts measures it.)
 *
 * Bound: past `maxTargets` the oldest half is forgotten. A forgotten target counts as new
 * again, which only makes the limit stricter, never looser.
 */
export interface TargetSet {
  has(h: number): boolean;
  /** Adds a fingerprint (no-op when present), forgetting the oldest half when full. */
  add(h: number): void;
  /** Makes room for `extra` more fingerprints at once, so adding a whole batch rehashes once. */
  reserve(extra: number): void;
  size(): number;
  /** The fingerprints held, oldest first: a view, valid until the next add (snapshots). */
  entries(): Int32Array;
}

const EMPTY = 0;

/** A seeded 32-bit fingerprint of a target, never 0 (0 marks an empty index cell). */
export function targetFingerprint(text: string, seed: number): number {
  let h = seed ^ 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h ^= text.length;
  // MurmurHash3's finalizer: FNV alone leaves the low bits (the index) poorly mixed.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h === EMPTY ? 1 : h | 0;
}

export function createTargetSet(maxTargets: number): TargetSet {
  let index = new Int32Array(16);
  let mask = index.length - 1;
  let log = new Int32Array(index.length >>> 1);
  let count = 0;

  function has(h: number): boolean {
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const v = index[i] as number;
      if (v === h) return true;
      if (v === EMPTY) return false;
    }
  }

  function place(h: number): void {
    let i = h & mask;
    while ((index[i] as number) !== EMPTY) i = (i + 1) & mask;
    index[i] = h;
  }

  function rebuild(size: number): void {
    if (size !== index.length) {
      index = new Int32Array(size);
      mask = size - 1;
    } else index.fill(EMPTY);
    for (let i = 0; i < count; i++) place(log[i] as number);
  }

  function add(h: number): void {
    if (has(h)) return;
    if (count >= maxTargets) {
      // Forget the oldest half: a full address book re-synced stays known, while a scanner
      // that streams new numbers keeps paying for them.
      const drop = Math.max(1, count >>> 1);
      log.copyWithin(0, drop, count);
      count -= drop;
      rebuild(index.length);
    }
    if (count === log.length) {
      const bigger = new Int32Array(log.length * 2);
      bigger.set(log);
      log = bigger;
      rebuild(index.length * 2);
    }
    log[count++] = h;
    place(h);
  }

  function reserve(extra: number): void {
    const want = Math.min(maxTargets, count + extra);
    if (want <= log.length) return;
    let size = log.length;
    while (size < want) size *= 2;
    const bigger = new Int32Array(size);
    bigger.set(log.subarray(0, count));
    log = bigger;
    rebuild(size * 2);
  }

  return { has, add, reserve, size: () => count, entries: () => log.subarray(0, count) };
}

/**
 * A per-request scratch set that dedupes the targets of one check. Reset is O(1): a cell
 * counts only when its generation matches, so no clearing between requests.
 */
export interface ScratchSet {
  /** Starts a new, empty set sized for up to `expected` fingerprints. */
  reset(expected: number): void;
  /** True when `h` was not in the set yet (and is now). */
  addIfAbsent(h: number): boolean;
}

export function createScratchSet(): ScratchSet {
  let keys = new Int32Array(64);
  let gens = new Uint32Array(64);
  let mask = 63;
  let gen = 0;

  return {
    reset(expected) {
      if (expected * 2 > keys.length) {
        let size = keys.length;
        while (size < expected * 2) size *= 2;
        keys = new Int32Array(size);
        gens = new Uint32Array(size);
        mask = size - 1;
        gen = 0;
      }
      gen++;
      if (gen === 0xffffffff) {
        gens.fill(0);
        gen = 1;
      }
    },
    addIfAbsent(h) {
      for (let i = h & mask; ; i = (i + 1) & mask) {
        if ((gens[i] as number) !== gen) {
          gens[i] = gen;
          keys[i] = h;
          return true;
        }
        if ((keys[i] as number) === h) return false;
      }
    },
  };
}
