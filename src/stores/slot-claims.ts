import { STEPS } from '../core/algorithms.ts';
import type { LimitCheck, StepResult } from '../core/limit.ts';
import { createOverflowBuckets } from './overflow-buckets.ts';
import type { EvictionRank, SlotTable } from './slot-table.ts';
import type { TargetSet } from './target-set.ts';

/** slots[i] of a check without a slot: a new key with room reserved, or one on its limit's overflow bucket. */
export const NEW_KEY = -1;
export const OVERFLOW = -2;

const STRIDE = 4;
const EMPTY_STATE = new Float64Array(STRIDE);

/** The memory store's per-request arrays and table, shared with its slot claims. */
export interface SlotClaimsContext {
  readonly table: SlotTable;
  readonly targetSets: Map<number, TargetSet>;
  readonly maxKeys: number;
  /** Per check of the request at hand: its slot (or NEW_KEY / OVERFLOW), step result, cost. */
  readonly slots: Int32Array;
  readonly results: readonly StepResult[];
  readonly costs: Float64Array;
}

export interface SlotClaims {
  /** Starts a request: no room reserved yet. */
  reset(): void;
  /**
   * Room for check i's new key: NEW_KEY when the table has room or a key at rest was evicted
   * for it (never one an earlier check of the request holds), else OVERFLOW.
   */
  claim(i: number, now: number): number;
  /** Steps check i on its state: its slot's, a fresh key's, or its limit's overflow bucket. */
  step(checks: readonly LimitCheck[], i: number, now: number): void;
  /** Commits check i's result to its limit's overflow bucket. */
  commitOverflow(checks: readonly LimitCheck[], i: number, now: number): void;
  /** A snapshot restore into a smaller store: evicts a key at rest, else the least recently used. */
  makeRoomForRestore(now: number): void;
  /** Checks decided on an overflow bucket so far. */
  overflowed(): number;
  clear(): void;
}

/**
 * Where a memory store's new key lives when the store is full (issue 13, item 1): in the slot
 * of a key at rest, evicted for it, or on its limit's overflow bucket (overflow-buckets.ts).
 * A spent key is never evicted, so filling the store hands no budget back.
 */
export function createSlotClaims(ctx: SlotClaimsContext): SlotClaims {
  const { table, targetSets, maxKeys, slots, results, costs } = ctx;
  const overflow = createOverflowBuckets();
  let overflowed = 0;
  let reserved = 0;
  // Read by rank(): the time, and how many of this request's checks may hold a slot.
  let rankNow = 0;
  let protect = 0;
  /** At rest (expired), never a slot this request holds; one without targets first. */
  const rank: EvictionRank = (slot) => {
    if ((table.states[slot * STRIDE + 3] as number) > rankNow) return 0;
    for (let j = 0; j < protect; j++) if (slots[j] === slot) return 0;
    return targetSets.has(slot) ? 1 : 2;
  };

  function evictResting(now: number, held: number): number {
    rankNow = now;
    protect = held;
    const freed = table.evictResting(rank);
    // A slot handed out again must not bring the evicted key's targets with it.
    if (freed >= 0) targetSets.delete(freed);
    return freed;
  }

  function earlierOverflow(checks: readonly LimitCheck[], i: number, id: string): number {
    for (let j = i - 1; j >= 0; j--) if (slots[j] === OVERFLOW && checks[j]?.spec.id === id) return j;
    return -1;
  }

  return {
    reset() {
      reserved = 0;
    },
    claim(i, now) {
      if (table.size() + reserved >= maxKeys && evictResting(now, i) < 0) {
        overflowed++;
        return OVERFLOW;
      }
      reserved++;
      return NEW_KEY;
    },
    step(checks, i, now) {
      const check = checks[i] as LimitCheck;
      const slot = slots[i] as number;
      const out = results[i] as StepResult;
      const run = STEPS[check.spec.algorithm];
      const cost = costs[i] as number;
      let s: Float64Array = table.states;
      let base = slot * STRIDE;
      if (slot === OVERFLOW) {
        // A second check of this request on the same overflow bucket goes on from the first's result.
        const earlier = earlierOverflow(checks, i, check.spec.id);
        if (earlier >= 0) {
          const o = results[earlier] as StepResult;
          run(check.spec, o.expiresAt <= now, o.s0, o.s1, o.s2, cost, now, out);
          return;
        }
        s = overflow.state(check.spec.id) ?? EMPTY_STATE;
        base = 0;
      } else if (slot < 0) {
        run(check.spec, true, 0, 0, 0, cost, now, out);
        return;
      }
      const fresh = (s[base + 3] as number) <= now;
      run(check.spec, fresh, s[base] as number, s[base + 1] as number, s[base + 2] as number, cost, now, out);
    },
    commitOverflow(checks, i, now) {
      overflow.write((checks[i] as LimitCheck).spec.id, results[i] as StepResult, now);
    },
    makeRoomForRestore(now) {
      if (evictResting(now, 0) >= 0) return;
      targetSets.delete(table.evictOldest());
    },
    overflowed: () => overflowed,
    clear() {
      overflow.clear();
    },
  };
}
