/**
 * A bounded map from a block number (an integer up to 2^53, held in a double) to a dense slot
 * 0 … maxSlots − 1, with least-recently-touched eviction. The range-density detector keeps
 * its per-block bitmaps and contributors in flat typed arrays indexed by these slots, so a
 * block costs no object and no per-number allocation.
 *
 * - Index: open addressing with linear probing over an Int32Array sized to a power of two of
 *   at least twice maxSlots (load ≤ 1/2), holding slot + 1 (0 = empty). Eviction deletes by
 *   backward shift, so there are no tombstones and probes stay short forever.
 * - Recency: an intrusive doubly linked list over the slots (prev/next Int32Arrays).
 * - Slots are handed out densely and reused in place on eviction, so live slots are always
 *   0 … size − 1 and there is no free list.
 * - Per-slot arrays start small and double up to maxSlots; `onGrow` lets the owner grow its
 *   own per-slot arrays in step.
 */
export interface BlockTable {
  /** The slot holding `block`, or −1. Does not touch recency. */
  find(block: number): number;
  /**
   * The slot for `block`, marked most recently touched. `fresh` (read right after) tells
   * whether the slot was just assigned (new block, possibly evicting the least recent one).
   */
  acquire(block: number): number;
  /** True when the last acquire assigned a new slot. */
  fresh(): boolean;
  /** The block a slot holds (only meaningful for slots < size()). */
  keyOf(slot: number): number;
  size(): number;
  capacity(): number;
  evicted(): number;
  /** Bytes of the table's own typed arrays. */
  bytes(): number;
}

const NONE = -1;
const TWO_32 = 4294967296;

export function createBlockTable(
  maxSlots: number,
  seed: number,
  onGrow: (capacity: number) => void,
): BlockTable {
  let indexSize = 16;
  while (indexSize < maxSlots * 2) indexSize *= 2;
  const index = new Int32Array(indexSize);
  const mask = indexSize - 1;
  let cap = Math.min(maxSlots, 256);
  let keys = new Float64Array(cap);
  let hashes = new Int32Array(cap);
  let prev = new Int32Array(cap);
  let next = new Int32Array(cap);
  let used = 0;
  let head = NONE;
  let tail = NONE;
  let evictions = 0;
  let wasFresh = false;

  /**
   * MurmurHash3's finalizer over both 32-bit halves: blocks reach 10^11 and beyond. The seed
   * enters each half through a multiply too, not only an XOR ahead of a reversible mix, so
   * blocks that collide under one seed do not collide under every seed.
   */
  function hashOf(block: number): number {
    const hi = Math.floor(block / TWO_32);
    const lo = block - hi * TWO_32;
    let h = (Math.imul(lo ^ seed, 0x2545f491) ^ Math.imul(hi + seed, 0x9e3779b1)) | 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    return h ^ (h >>> 16);
  }

  function find(block: number): number {
    for (let i = hashOf(block) & mask; ; i = (i + 1) & mask) {
      const v = index[i] as number;
      if (v === 0) return NONE;
      if ((keys[v - 1] as number) === block) return v - 1;
    }
  }

  function unlink(s: number): void {
    const p = prev[s] as number;
    const n = next[s] as number;
    if (p === NONE) head = n;
    else next[p] = n;
    if (n === NONE) tail = p;
    else prev[n] = p;
  }

  function pushHead(s: number): void {
    prev[s] = NONE;
    next[s] = head;
    if (head !== NONE) prev[head] = s;
    head = s;
    if (tail === NONE) tail = s;
  }

  /** Backward-shift deletion: pull later entries of the probe run into the hole. */
  function removeFromIndex(s: number): void {
    let i = (hashes[s] as number) & mask;
    while ((index[i] as number) !== s + 1) i = (i + 1) & mask;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const v = index[j] as number;
      if (v === 0) break;
      const home = (hashes[v - 1] as number) & mask;
      // Move v into the hole unless its home lies cyclically in (i, j].
      const stays = i <= j ? home > i && home <= j : home > i || home <= j;
      if (!stays) {
        index[i] = v;
        i = j;
      }
    }
    index[i] = 0;
  }

  function grow(): void {
    const size = Math.min(maxSlots, cap * 2);
    const widen = <T extends Float64Array | Int32Array>(a: T, b: T): T => {
      b.set(a);
      return b;
    };
    keys = widen(keys, new Float64Array(size));
    hashes = widen(hashes, new Int32Array(size));
    prev = widen(prev, new Int32Array(size));
    next = widen(next, new Int32Array(size));
    cap = size;
    onGrow(size);
  }

  function acquire(block: number): number {
    const h = hashOf(block);
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const v = index[i] as number;
      if (v === 0) break;
      const s = v - 1;
      if ((keys[s] as number) === block) {
        if (s !== head) {
          unlink(s);
          pushHead(s);
        }
        wasFresh = false;
        return s;
      }
    }
    let s: number;
    if (used < maxSlots) {
      if (used === cap) grow();
      s = used++;
    } else {
      // Full: the block untouched for longest is the cheapest to lose. A scanner's blocks are
      // touched on every request, so they stay; a legit user's sparse blocks go first.
      s = tail;
      removeFromIndex(s);
      unlink(s);
      evictions++;
    }
    keys[s] = block;
    hashes[s] = h;
    let i = h & mask;
    while ((index[i] as number) !== 0) i = (i + 1) & mask;
    index[i] = s + 1;
    pushHead(s);
    wasFresh = true;
    return s;
  }

  return {
    find,
    acquire,
    fresh: () => wasFresh,
    keyOf: (slot) => keys[slot] as number,
    size: () => used,
    capacity: () => cap,
    evicted: () => evictions,
    bytes: () => index.byteLength + keys.byteLength + hashes.byteLength + prev.byteLength + next.byteLength,
  };
}
