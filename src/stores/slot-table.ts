import { internalError } from '../core/internal-error.ts';

/**
 * A bounded table of limiter states keyed by 64-bit fingerprints, in flat typed arrays:
 * no object, string or timer per key. Per slot: the fingerprint (2 × int32), the state
 * (s0, s1, s2, expiresAt as float64) and LRU links (2 × int32): 56 bytes, plus the open-
 * addressing index at most half full (8+ bytes per key).
 *
 * The table never evicts on its own: when full, its owner asks `evictResting` for a slot
 * whose state equals a fresh key's (issue 13, item 1: evicting a spent key would hand its
 * budget back), and `evictOldest` only when restoring a snapshot into a smaller table.
 */
const STRIDE = 4;
const NONE = -1;
/** Candidates looked at per eviction: this many from the LRU tail, as many from the sweep. */
const TAIL_STEPS = 32;
const SWEEP_STEPS = 32;

/**
 * How fit a slot is to be evicted, as its owner judges: 0 keep (spent, or in use by the
 * request at hand), 1 may go (its eviction costs nothing but memory that only makes the
 * owner stricter), 2 at rest (decides exactly like an absent key).
 */
export type EvictionRank = (slot: number) => 0 | 1 | 2;

export interface SlotTable {
  readonly states: Float64Array;
  size(): number;
  capacity(): number;
  /** The slot holding this fingerprint, or -1. Marks it most recently used. */
  find(a: number, b: number): number;
  /** True when an insert needs no eviction first. */
  hasRoom(): boolean;
  /** A slot for a fingerprint known to be absent. The table must have room (a bug otherwise). */
  insert(a: number, b: number): number;
  /**
   * Evicts the best candidate `rank` allows among the TAIL_STEPS least recently used slots and
   * the next SWEEP_STEPS slots of a rotating sweep (so a resting key deep in the LRU order is
   * found by a later call); returns the freed slot, or -1 when every candidate is to be kept.
   */
  evictResting(rank: EvictionRank): number;
  /** Evicts the least recently used slot and returns it (snapshot restore into a smaller table). */
  evictOldest(): number;
  /** Drops every key. */
  clear(): void;
  readonly evictions: { resting: number; forgetting: number; oldest: number };
  /** The fingerprint a live slot holds, as [a, b]. */
  fingerprintOf(slot: number): [number, number];
  /** Calls `fn` for every live slot, most recently used first. */
  forEach(fn: (slot: number, a: number, b: number) => void): void;
}

export function createSlotTable(maxKeys: number, initial = 1024): SlotTable {
  let cap = Math.min(maxKeys, Math.max(16, initial));
  let fpA = new Int32Array(cap);
  let fpB = new Int32Array(cap);
  let prev = new Int32Array(cap);
  let next = new Int32Array(cap);
  let states = new Float64Array(cap * STRIDE);
  let index = new Int32Array(indexSizeFor(cap));
  let mask = index.length - 1;
  let used = 0; // slots handed out so far (0..cap); freed slots go on the free list
  let count = 0;
  let head = NONE; // most recently used
  let tail = NONE; // least recently used
  let free: number[] = [];
  let cursor = 0;
  const evictions = { resting: 0, forgetting: 0, oldest: 0 };

  function indexSizeFor(n: number): number {
    let size = 16;
    while (size < n * 2) size *= 2;
    return size;
  }

  function unlink(slot: number): void {
    const p = prev[slot] as number;
    const n = next[slot] as number;
    if (p === NONE) head = n;
    else next[p] = n;
    if (n === NONE) tail = p;
    else prev[n] = p;
  }

  function pushFront(slot: number): void {
    prev[slot] = NONE;
    next[slot] = head;
    if (head !== NONE) prev[head] = slot;
    head = slot;
    if (tail === NONE) tail = slot;
  }

  function indexOf(a: number, b: number): number {
    let i = a & mask;
    for (;;) {
      const entry = index[i] as number;
      if (entry === 0) return -1 - i; // not found: where it would go
      const slot = entry - 1;
      if (fpA[slot] === a && fpB[slot] === b) return i;
      i = (i + 1) & mask;
    }
  }

  function isLive(slot: number): boolean {
    const pos = indexOf(fpA[slot] as number, fpB[slot] as number);
    return pos >= 0 && (index[pos] as number) - 1 === slot;
  }

  /** Backward-shift deletion keeps linear probing correct without tombstones. */
  function removeFromIndex(pos: number): void {
    let hole = pos;
    let i = (pos + 1) & mask;
    for (;;) {
      const entry = index[i] as number;
      if (entry === 0) break;
      const home = (fpA[entry - 1] as number) & mask;
      // The entry may fill the hole when the hole lies on its probe path (home … i).
      if (((i - home) & mask) >= ((i - hole) & mask)) {
        index[hole] = entry;
        hole = i;
      }
      i = (i + 1) & mask;
    }
    index[hole] = 0;
  }

  function evict(slot: number): void {
    const pos = indexOf(fpA[slot] as number, fpB[slot] as number);
    if (pos >= 0) removeFromIndex(pos);
    unlink(slot);
    free.push(slot);
    count--;
  }

  /** The best candidate among the tail's and the sweep's, with its rank; -1 when none may go. */
  function bestCandidate(rank: EvictionRank): [number, number] {
    let best = NONE;
    let bestRank = 0;
    const consider = (slot: number): boolean => {
      const r = rank(slot);
      if (r > bestRank) {
        best = slot;
        bestRank = r;
      }
      return r === 2;
    };
    let slot = tail;
    for (let step = 0; step < TAIL_STEPS && slot !== NONE; step++, slot = prev[slot] as number) {
      if (consider(slot)) return [best, bestRank];
    }
    for (let step = 0; step < SWEEP_STEPS && used > 0; step++) {
      cursor = (cursor + 1) % used;
      // Freed slots wait on the free list; only a live one (in the index) is a candidate.
      if (!isLive(cursor)) continue;
      if (consider(cursor)) break;
    }
    return [best, bestRank];
  }

  function grow(): void {
    const nextCap = Math.min(maxKeys, cap * 2);
    const copy = <T extends Int32Array | Float64Array>(old: T, size: number): T => {
      const fresh = new (old.constructor as new (n: number) => T)(size);
      fresh.set(old);
      return fresh;
    };
    fpA = copy(fpA, nextCap);
    fpB = copy(fpB, nextCap);
    prev = copy(prev, nextCap);
    next = copy(next, nextCap);
    states = copy(states, nextCap * STRIDE);
    cap = nextCap;
    index = new Int32Array(indexSizeFor(cap));
    mask = index.length - 1;
    for (let slot = head; slot !== NONE; slot = next[slot] as number) {
      const pos = indexOf(fpA[slot] as number, fpB[slot] as number);
      index[-1 - pos] = slot + 1;
    }
  }

  const table: SlotTable = {
    get states() {
      return states;
    },
    size: () => count,
    capacity: () => cap,
    evictions,
    find(a, b) {
      const pos = indexOf(a, b);
      if (pos < 0) return -1;
      const slot = (index[pos] as number) - 1;
      if (slot !== head) {
        unlink(slot);
        pushFront(slot);
      }
      return slot;
    },
    hasRoom: () => count < maxKeys,
    insert(a, b) {
      if (count >= maxKeys) throw internalError('slot table: insert into a full table');
      let slot: number;
      if (free.length > 0) slot = free.pop() as number;
      else {
        if (used === cap) grow();
        slot = used++;
      }
      fpA[slot] = a;
      fpB[slot] = b;
      const pos = indexOf(a, b);
      index[-1 - pos] = slot + 1;
      pushFront(slot);
      count++;
      return slot;
    },
    evictResting(rank) {
      if (count === 0) return NONE;
      const [slot, r] = bestCandidate(rank);
      if (slot === NONE) return NONE;
      evict(slot);
      if (r === 2) evictions.resting++;
      else evictions.forgetting++;
      return slot;
    },
    evictOldest() {
      const slot = tail;
      if (slot === NONE) throw internalError('slot table: evictOldest on an empty table');
      evict(slot);
      evictions.oldest++;
      return slot;
    },
    clear() {
      index.fill(0);
      used = 0;
      count = 0;
      head = NONE;
      tail = NONE;
      free = [];
      cursor = 0;
    },
    fingerprintOf: (slot) => [fpA[slot] as number, fpB[slot] as number],
    forEach(fn) {
      for (let slot = head; slot !== NONE; slot = next[slot] as number)
        fn(slot, fpA[slot] as number, fpB[slot] as number);
    },
  };
  return table;
}
