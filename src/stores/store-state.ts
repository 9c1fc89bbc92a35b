import { EnumguardError } from '../core/errors.ts';
import type { RiskRecords } from './risk-records.ts';
import type { SlotTable } from './slot-table.ts';
import { createTargetSet, type TargetSet } from './target-set.ts';

/**
 * The whole state of a memory store as flat typed arrays: what a snapshot holds
 * (snapshot.ts encodes it to bytes, snapshot-file.ts to a file) and what a new store is
 * created from (`createMemoryStore({ restore })`).
 *
 * Keys come least recently used first, so re-inserting them in order rebuilds the LRU order
 * and, when the new store is smaller, evicts keys at rest first, then the oldest.
 */
export interface StoreState {
  /**
   * The fingerprint seeds. Key and target fingerprints are keyed by them, so a restored
   * store must use the same seeds or no restored key or target would ever match again.
   */
  readonly seed: readonly [number, number];
  /** Clock time the state was taken at (ms since the epoch), for logs. */
  readonly savedAt: number;
  /** Number of keys. */
  readonly keys: number;
  /** Key fingerprints: (a, b) per key. */
  readonly fingerprints: Int32Array;
  /** Limiter state per key: s0, s1, s2 and expiresAt (absolute clock time, ms). */
  readonly states: Float64Array;
  /** Targets per key (distinct limits); key i's follow key i-1's in `targets`. */
  readonly targetCounts: Uint32Array;
  /** Target fingerprints, each key's oldest first, so "forget the oldest half" still holds. */
  readonly targets: Int32Array;
  /**
   * Risk records (scores, blocks, first-seen times, cohorts), least recently used first, by
   * fingerprint like the keys. Empty from a version-1 snapshot, which did not keep them.
   */
  readonly risk: RiskRecords;
}

export const STATE_STRIDE = 4;

/**
 * Re-inserts a saved state's keys into an empty table, least recently used first, under the
 * table's bounds. Shared by the memory store only; it lives here to keep that file small.
 */
export function restoreState(
  state: StoreState,
  table: SlotTable,
  targetSets: Map<number, TargetSet>,
  now: number,
  maxTargetsPerKey: number,
  makeRoom: () => void,
): void {
  const { keys, fingerprints, states, targetCounts, targets } = state;
  if (
    fingerprints.length !== keys * 2 ||
    states.length !== keys * STATE_STRIDE ||
    targetCounts.length !== keys
  ) {
    throw new EnumguardError('ERR_SNAPSHOT_INVALID', `the state's arrays do not hold ${keys} keys`);
  }
  let t = 0;
  for (let i = 0; i < keys; i++) {
    const count = targetCounts[i] as number;
    const from = t;
    t += count;
    if (t > targets.length) {
      throw new EnumguardError('ERR_SNAPSHOT_INVALID', `key ${i}'s targets run past the end of the state`);
    }
    const base = i * STATE_STRIDE;
    // Expired and without targets, a key decides exactly like an absent one: skip it.
    if (count === 0 && (states[base + 3] as number) <= now) continue;
    const a = fingerprints[2 * i] as number;
    const b = fingerprints[2 * i + 1] as number;
    if (table.find(a, b) >= 0) {
      throw new EnumguardError('ERR_SNAPSHOT_INVALID', `key ${i}'s fingerprint appears twice in the state`);
    }
    // A smaller maxKeys: makeRoom evicts a key (and drops its targets) by the store's rules.
    if (!table.hasRoom()) makeRoom();
    const slot = table.insert(a, b);
    table.states.set(states.subarray(base, base + STATE_STRIDE), slot * STATE_STRIDE);
    if (count === 0) continue;
    const set = createTargetSet(maxTargetsPerKey);
    set.reserve(count);
    for (let j = from; j < t; j++) set.add(targets[j] as number);
    targetSets.set(slot, set);
  }
}

/** Copies a table's live state out, least recently used first. */
export function exportState(
  table: SlotTable,
  targetSets: Map<number, TargetSet>,
  seed: readonly [number, number],
  now: number,
  risk: RiskRecords,
): StoreState {
  const s = table.states;
  // The table walks most recently used first; the keys are written out in reverse.
  const order = new Int32Array(table.size());
  let n = 0;
  let total = 0;
  table.forEach((slot) => {
    const held = targetSets.get(slot)?.size() ?? 0;
    // Expired and without targets, a key decides exactly like an absent one: not worth a byte.
    if (held === 0 && (s[slot * STATE_STRIDE + 3] as number) <= now) return;
    order[n++] = slot;
    total += held;
  });
  const fingerprints = new Int32Array(n * 2);
  const states = new Float64Array(n * STATE_STRIDE);
  const targetCounts = new Uint32Array(n);
  const targets = new Int32Array(total);
  let t = 0;
  for (let i = 0; i < n; i++) {
    const slot = order[n - 1 - i] as number;
    const [a, b] = table.fingerprintOf(slot);
    fingerprints[2 * i] = a;
    fingerprints[2 * i + 1] = b;
    states.set(s.subarray(slot * STATE_STRIDE, (slot + 1) * STATE_STRIDE), i * STATE_STRIDE);
    const held = targetSets.get(slot)?.entries();
    if (held === undefined) continue;
    targetCounts[i] = held.length;
    targets.set(held, t);
    t += held.length;
  }
  return {
    seed: [seed[0], seed[1]],
    savedAt: now,
    keys: n,
    fingerprints,
    states,
    targetCounts,
    targets,
    risk,
  };
}
