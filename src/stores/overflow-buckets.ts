import type { StepResult } from '../core/limit.ts';

/**
 * One shared bucket per limit for the keys a full memory store has no room for (issue 13,
 * item 1). A bounded store must not evict a key that is not at rest: a spent bucket evicted
 * is a full budget handed back to whoever flooded the store. So when every candidate is
 * spent, a new key is decided, and charged, on its limit's overflow bucket instead: every
 * key that overflows one limit shares one key's budget. A flood of fresh keys therefore
 * never gets more than one key's budget per limit, and keeps getting it as the store frees
 * (resting keys are evicted, and newcomers get their own slot again).
 *
 * Keyed by limit id: the policy's limits bound the number of buckets. Expired buckets are
 * dropped once more than SWEEP_AT are held, so limits removed by a reload do not stay.
 */
export interface OverflowBuckets {
  /** The limit's state (s0, s1, s2, expiresAt), or undefined for none yet. */
  state(limitId: string): Float64Array | undefined;
  /** Commits a step's next state to the limit's bucket. */
  write(limitId: string, out: StepResult, now: number): void;
  /** Buckets held. */
  size(): number;
  clear(): void;
}

const SWEEP_AT = 1024;

export function createOverflowBuckets(): OverflowBuckets {
  const buckets = new Map<string, Float64Array>();
  return {
    state: (limitId) => buckets.get(limitId),
    write(limitId, out, now) {
      let state = buckets.get(limitId);
      if (state === undefined) {
        if (buckets.size >= SWEEP_AT) {
          for (const [id, s] of buckets) if ((s[3] as number) <= now) buckets.delete(id);
        }
        state = new Float64Array(4);
        buckets.set(limitId, state);
      }
      state[0] = out.s0;
      state[1] = out.s1;
      state[2] = out.s2;
      state[3] = out.expiresAt;
    },
    size: () => buckets.size,
    clear: () => buckets.clear(),
  };
}
