/**
 * Sets of 32-bit values kept as sorted Uint32Arrays with a length: 4 bytes a member, nothing for
 * the garbage collector to trace, membership by binary search. The contact graph keeps one per
 * account (the numbers it looked up, the reveals it was granted, its vouchers).
 */
export interface SortedSet32 {
  values: Uint32Array;
  size: number;
}

export function emptySet32(): SortedSet32 {
  return { values: EMPTY, size: 0 };
}

const EMPTY = new Uint32Array(0);

export function hasSet32(set: SortedSet32, value: number): boolean {
  const { values } = set;
  let lo = 0;
  let hi = set.size - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = values[mid] as number;
    if (v === value) return true;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * Adds `added` (any order, duplicates allowed) while the set holds fewer than `cap` members:
 * the first new values in `added`'s order are kept, later ones dropped, and members already in
 * the set always stay. Returns how many were added.
 */
export function addSet32(set: SortedSet32, added: ArrayLike<number>, cap: number): number {
  const room = cap - set.size;
  if (added.length === 0 || room <= 0) return 0;
  const picked: number[] = [];
  const seen = new Set<number>();
  for (let k = 0; k < added.length && picked.length < room; k++) {
    const v = (added[k] as number) >>> 0;
    if (seen.has(v) || hasSet32(set, v)) continue;
    seen.add(v);
    picked.push(v);
  }
  if (picked.length === 0) return 0;
  const incoming = Uint32Array.from(picked).sort();
  const out = new Uint32Array(set.size + incoming.length);
  const old = set.values;
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < set.size && j < incoming.length) {
    if ((old[i] as number) < (incoming[j] as number)) out[n++] = old[i++] as number;
    else out[n++] = incoming[j++] as number;
  }
  while (i < set.size) out[n++] = old[i++] as number;
  while (j < incoming.length) out[n++] = incoming[j++] as number;
  set.values = out;
  set.size = n;
  return picked.length;
}

export function bytesOfSet32(set: SortedSet32): number {
  return set.values.byteLength;
}
