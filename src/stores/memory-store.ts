import { randomInt } from 'node:crypto';
import { STEPS } from '../core/algorithms.ts';
import type { Clock } from '../core/clock.ts';
import { EnumguardError } from '../core/errors.ts';
import {
  newStepResult,
  type BatchOutcome,
  type LimitCheck,
  type LimitOutcome,
  type StepResult,
} from '../core/limit.ts';
import { fingerprint, type Fingerprint } from './fingerprint.ts';
import { createSlotTable } from './slot-table.ts';
import type { Store } from './store.ts';

export interface MemoryStoreOptions {
  readonly clock: Clock;
  /** Most keys kept at once (default 1,000,000); past it expired, then least recently used keys go. */
  readonly maxKeys?: number;
  /** Fingerprint seed; random by default. Fixed seeds are for tests. */
  readonly seed?: readonly [number, number];
}

export interface MemoryStore extends Store {
  /** Synchronous: the in-process path needs no promise per decision. */
  consume(checks: readonly LimitCheck[]): BatchOutcome;
  size(): number;
  stats(): { keys: number; maxKeys: number; evictedExpired: number; evictedLru: number };
}

const STRIDE = 4;
const MAX_CHECKS = 64;

/**
 * The embedded default store: synchronous, bounded, no timer per key (no timers at all).
 * A request's checks are stepped first and committed only if every one allows, so a denied
 * request charges nothing.
 */
export function createMemoryStore(options: MemoryStoreOptions): MemoryStore {
  const maxKeys = options.maxKeys ?? 1_000_000;
  if (!Number.isSafeInteger(maxKeys) || maxKeys < MAX_CHECKS) {
    throw new EnumguardError(
      'ERR_CONFIG',
      `maxKeys must be an integer of at least ${MAX_CHECKS}, got ${maxKeys}`,
    );
  }
  const { clock } = options;
  const [seedA, seedB] = options.seed ?? [randomInt(2 ** 31), randomInt(2 ** 31)];
  const table = createSlotTable(maxKeys);
  const fp: Fingerprint = { a: 0, b: 0 };
  const results = Array.from({ length: MAX_CHECKS }, newStepResult);
  const slots = new Int32Array(MAX_CHECKS);
  const fpAs = new Int32Array(MAX_CHECKS);
  const fpBs = new Int32Array(MAX_CHECKS);

  function write(i: number, slot: number, checks: readonly LimitCheck[]): void {
    if ((checks[i] as LimitCheck).cost === 0) return;
    const out = results[i] as StepResult;
    const s = table.states;
    const base = slot * STRIDE;
    s[base] = out.s0;
    s[base + 1] = out.s1;
    s[base + 2] = out.s2;
    s[base + 3] = out.expiresAt;
  }

  function consume(checks: readonly LimitCheck[]): BatchOutcome {
    const n = checks.length;
    if (n > MAX_CHECKS) {
      throw new EnumguardError('ERR_CONFIG', `a request may touch at most ${MAX_CHECKS} limits, got ${n}`);
    }
    const now = clock.now();
    let allowed = true;
    for (let i = 0; i < n; i++) {
      const check = checks[i] as LimitCheck;
      fingerprint(check.key, seedA, seedB, fp);
      fpAs[i] = fp.a;
      fpBs[i] = fp.b;
      const slot = table.find(fp.a, fp.b);
      slots[i] = slot;
      const out = results[i] as StepResult;
      const step = STEPS[check.spec.algorithm];
      if (slot < 0) {
        step(check.spec, true, 0, 0, 0, check.cost, now, out);
      } else {
        const s = table.states;
        const base = slot * STRIDE;
        const expired = (s[base + 3] as number) <= now;
        step(
          check.spec,
          expired,
          s[base] as number,
          s[base + 1] as number,
          s[base + 2] as number,
          check.cost,
          now,
          out,
        );
      }
      if (!out.allowed) allowed = false;
    }

    if (allowed) {
      // Known keys first: their new expiry is in the future, so the inserts that follow can
      // never evict a slot this request is about to write.
      for (let i = 0; i < n; i++) if ((slots[i] as number) >= 0) write(i, slots[i] as number, checks);
      for (let i = 0; i < n; i++) {
        if ((slots[i] as number) >= 0 || (checks[i] as LimitCheck).cost === 0) continue;
        const a = fpAs[i] as number;
        const b = fpBs[i] as number;
        // Two checks on one key in a request: the second finds the first one's slot.
        const existing = table.find(a, b);
        write(i, existing >= 0 ? existing : table.insert(a, b, now), checks);
      }
    }

    const outcomes: LimitOutcome[] = new Array<LimitOutcome>(n);
    for (let i = 0; i < n; i++) {
      const check = checks[i] as LimitCheck;
      const out = results[i] as StepResult;
      outcomes[i] = {
        spec: check.spec,
        key: check.key,
        allowed: out.allowed,
        remaining: out.remaining,
        resetMs: out.resetMs,
        retryAfterMs: out.retryAfterMs,
      };
    }
    return { allowed, outcomes };
  }

  return {
    name: 'memory',
    consume,
    size: () => table.size(),
    stats: () => ({
      keys: table.size(),
      maxKeys,
      evictedExpired: table.evictions.expired,
      evictedLru: table.evictions.lru,
    }),
    clear: () => table.clear(),
    close: () => Promise.resolve(),
  };
}
