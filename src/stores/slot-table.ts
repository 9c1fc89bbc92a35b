/**
 * A bounded table of limiter states keyed by 64-bit fingerprints, in flat typed arrays:
 * no object, string or timer per key. Per slot: the fingerprint (2 × int32), the state
 * (s0, s1, s2, expiresAt as float64) and LRU links (2 × int32): 56 bytes, plus the open-
 * addressing index at most half full (8+ bytes per key).
 *
 * When full, an insert evicts an expired key if the sweep finds one within a few slots,
 * else the least recently used key.
 */
const STRIDE = 4;
const NONE = -1;
const SWEEP_STEPS = 16;

export interface SlotTable {
  readonly states: Float64Array;
  size(): number;
  capacity(): number;
  /** The slot holding this fingerprint, or -1. Marks it most recently used. */
  find(a: number, b: number): number;
  /** A slot for a fingerprint known to be absent, evicting one when full. */
  insert(a: number, b: number, now: number): number;
  /** Drops every key. */
  clear(): void;
  readonly evictions: { expired: number; lru: number };
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
  const evictions = { expired: 0, lru: 0 };

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

  function evictOne(now: number): void {
    for (let step = 0; step < SWEEP_STEPS && used > 0; step++) {
      cursor = (cursor + 1) % used;
      const slot = cursor;
      // The table is full here, so every slot below `used` is live.
      if ((states[slot * STRIDE + 3] as number) <= now) {
        evict(slot);
        evictions.expired++;
        return;
      }
    }
    evict(tail);
    evictions.lru++;
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
    insert(a, b, now) {
      if (count >= maxKeys) evictOne(now);
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
