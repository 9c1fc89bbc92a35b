import { randomInt } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import { EnumguardError } from '../core/errors.ts';
import { newStepResult, type LimitCheck, type LimitOutcome, type StepResult } from '../core/limit.ts';
import { rampFactor, scaledCost } from '../core/ramp.ts';
import { fingerprint, type Fingerprint } from './fingerprint.ts';
import { createMemoryRiskAdmin } from './memory-risk-admin.ts';
import type { StoreAdmin } from './risk-subject.ts';
import { createRiskTable } from './risk-table.ts';
import { createSlotClaims, NEW_KEY, OVERFLOW } from './slot-claims.ts';
import { createSlotTable } from './slot-table.ts';
import { createScratchSet, createTargetSet, targetFingerprint, type TargetSet } from './target-set.ts';
import type { RiskedOutcome, RiskLookup, RiskReading, RiskSignal, Store } from './store.ts';
import { exportState, restoreState, type StoreState } from './store-state.ts';

export interface MemoryStoreOptions {
  readonly clock: Clock;
  /**
   * Most keys kept at once (default 1,000,000). Past it only a key at rest (expired: it
   * decides like an absent one) is evicted, one without remembered targets first; when none
   * is, a new key is decided on its limit's shared overflow bucket (overflow-buckets.ts).
   */
  readonly maxKeys?: number;
  /** Fingerprint seed; random by default. Fixed seeds are for tests and repeatable simulations. */
  readonly seed?: readonly [number, number];
  /**
   * Distinct limits: most targets remembered per key (default 200,000); past it the oldest
   * half is forgotten and counts as new again (stricter, never looser). See target-set.ts.
   */
  readonly maxTargetsPerKey?: number;
  /**
   * A saved state (see snapshot-file.ts) to start from. Its seeds replace `seed`; its keys
   * are inserted oldest first under this store's bounds, so a smaller maxKeys evicts by the
   * usual rules and a smaller maxTargetsPerKey forgets the oldest halves. Its risk records
   * follow, oldest first, so a smaller maxRiskRecords keeps the most recently used.
   */
  readonly restore?: StoreState;
  /**
   * Most risk records (identities, prefixes, cohorts) kept; past it only records at rest go,
   * else a newcomer shares its layer's overflow record (risk-table.ts). Default 1,000,000.
   */
  readonly maxRiskRecords?: number;
}

export interface MemoryStore extends Store {
  /** Synchronous: the in-process path needs no promise per decision. */
  consume(checks: readonly LimitCheck[], risk?: RiskLookup): RiskedOutcome;
  signal(risk: RiskLookup, signal: RiskSignal): RiskReading;
  readonly admin: StoreAdmin;
  size(): number;
  /** The whole state, for a snapshot. Copies: later decisions do not change it. */
  exportState(): StoreState;
  stats(): {
    keys: number;
    maxKeys: number;
    /** Keys evicted at rest, and at rest but forgetting their remembered targets (stricter). */
    evictedResting: number;
    evictedForgetting: number;
    /** Keys evicted least recently used first by a restore into a smaller store. */
    evictedOldest: number;
    /** Checks decided on a limit's shared overflow bucket because no key was at rest. */
    overflowed: number;
    /** Keys holding a target set (distinct limits), and the targets they hold in total. */
    targetSets: number;
    targets: number;
    /** Risk records: identities, prefixes and cohorts with a score, a block or a first-seen time. */
    riskRecords: number;
    /** Risk lookups that found the table full of records not at rest and used an overflow record. */
    riskOverflowed: number;
  };
}

const STRIDE = 4;
const MAX_CHECKS = 64;
/** The fewest keys a memory store may be bounded to: one request may touch MAX_CHECKS of them. */
export const MIN_MAX_KEYS = MAX_CHECKS;

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
  const maxTargetsPerKey = options.maxTargetsPerKey ?? 200_000;
  if (!Number.isSafeInteger(maxTargetsPerKey) || maxTargetsPerKey < 1) {
    throw new EnumguardError(
      'ERR_CONFIG',
      `maxTargetsPerKey must be a positive integer, got ${maxTargetsPerKey}`,
    );
  }
  const { clock, restore } = options;
  if (restore !== undefined && options.seed !== undefined && !sameSeed(restore.seed, options.seed)) {
    throw new EnumguardError('ERR_CONFIG', 'seed and restore disagree: a restored store keeps its seeds');
  }
  const [seedA, seedB] = restore?.seed ?? options.seed ?? [randomInt(2 ** 31), randomInt(2 ** 31)];
  // Targets get their own seed, so a target and a key never share a fingerprint by design.
  const targetSeed = Math.imul(seedA ^ 0x27d4eb2f, 0x165667b1) ^ seedB;
  const table = createSlotTable(maxKeys);
  const fp: Fingerprint = { a: 0, b: 0 };
  const results = Array.from({ length: MAX_CHECKS }, newStepResult);
  const slots = new Int32Array(MAX_CHECKS);
  const fpAs = new Int32Array(MAX_CHECKS);
  const fpBs = new Int32Array(MAX_CHECKS);
  // The cost each check is stepped with: its own, or for distinct limits its unseen targets.
  const costs = new Float64Array(MAX_CHECKS);
  // Unseen target fingerprints of this request, check i's at [pendingFrom[i], pendingTo[i]).
  let pending = new Int32Array(1024);
  const pendingFrom = new Int32Array(MAX_CHECKS);
  const pendingTo = new Int32Array(MAX_CHECKS);
  // Target sets by slot. A slot handed out by insert() held an evicted key (or none), so
  // its set is dropped there: evicting a key's state forgets its targets too.
  const targetSets = new Map<number, TargetSet>();
  const scratch = createScratchSet();

  /** Counts check i's targets unseen by its key (duplicates once) and queues them. */
  function unseenTargets(i: number, targets: readonly string[], slot: number, from: number): number {
    const known = slot >= 0 ? targetSets.get(slot) : undefined;
    if (pending.length < from + targets.length) {
      let size = pending.length * 2;
      while (size < from + targets.length) size *= 2;
      const bigger = new Int32Array(size);
      bigger.set(pending.subarray(0, from));
      pending = bigger;
    }
    scratch.reset(targets.length);
    let to = from;
    for (const target of targets) {
      const h = targetFingerprint(target, targetSeed);
      if (known?.has(h) === true || !scratch.addIfAbsent(h)) continue;
      pending[to++] = h;
    }
    pendingFrom[i] = from;
    pendingTo[i] = to;
    return to - from;
  }

  function remember(i: number, slot: number): void {
    const from = pendingFrom[i] as number;
    const to = pendingTo[i] as number;
    if (to === from) return;
    let set = targetSets.get(slot);
    if (set === undefined) {
      set = createTargetSet(maxTargetsPerKey);
      targetSets.set(slot, set);
    }
    set.reserve(to - from);
    for (let j = from; j < to; j++) set.add(pending[j] as number);
  }

  function write(i: number, slot: number): void {
    if (costs[i] === 0) return;
    const out = results[i] as StepResult;
    const s = table.states;
    const base = slot * STRIDE;
    s[base] = out.s0;
    s[base + 1] = out.s1;
    s[base + 2] = out.s2;
    s[base + 3] = out.expiresAt;
  }

  const claims = createSlotClaims({ table, targetSets, maxKeys, slots, results, costs });

  const riskTable = createRiskTable(options.maxRiskRecords ?? 1_000_000, [seedA, seedB]);

  function consume(checks: readonly LimitCheck[], risk?: RiskLookup): RiskedOutcome {
    const n = checks.length;
    if (n > MAX_CHECKS) {
      throw new EnumguardError('ERR_CONFIG', `a request may touch at most ${MAX_CHECKS} limits, got ${n}`);
    }
    const now = clock.now();
    const reading = risk === undefined ? undefined : riskTable.read(risk, now);
    if (reading !== undefined) {
      const level = reading.enforced.level;
      // Blocked or challenged: refused before any limit is stepped, so nothing is charged.
      if (level === 'block' || level === 'challenge') return { allowed: false, outcomes: [], risk: reading };
    }
    const shrink = reading?.enforced.quotaFactor ?? 1;
    claims.reset();
    let allowed = true;
    let pendingLength = 0;
    for (let i = 0; i < n; i++) {
      const check = checks[i] as LimitCheck;
      fingerprint(check.key, seedA, seedB, fp);
      fpAs[i] = fp.a;
      fpBs[i] = fp.b;
      const slot = table.find(fp.a, fp.b);
      slots[i] = slot;
      let cost = check.cost;
      if (check.targets === undefined) pendingFrom[i] = pendingTo[i] = pendingLength;
      else {
        cost = unseenTargets(i, check.targets, slot, pendingLength);
        pendingLength = pendingTo[i] as number;
      }
      if (reading !== undefined) {
        const factor = check.ramp === undefined ? shrink : shrink * rampFactor(check.ramp, reading.ageMs);
        cost = scaledCost(cost, factor);
      }
      costs[i] = cost;
      if (slot < 0 && cost > 0) slots[i] = claims.claim(i, now);
      claims.step(checks, i, now);
      if (!(results[i] as StepResult).allowed) allowed = false;
    }

    if (allowed) {
      // Inserts never evict here: claim() reserved their room (or freed a resting slot that
      // no check of this request holds) while the checks were stepped.
      for (let i = 0; i < n; i++) {
        const slot = slots[i] as number;
        if (slot < 0) continue;
        write(i, slot);
        remember(i, slot);
      }
      for (let i = 0; i < n; i++) {
        const claimed = slots[i] as number;
        if (claimed === OVERFLOW) claims.commitOverflow(checks, i, now);
        if (claimed !== NEW_KEY || costs[i] === 0) continue;
        const a = fpAs[i] as number;
        const b = fpBs[i] as number;
        // Two checks on one key in a request: the second finds the first one's slot.
        let slot = table.find(a, b);
        if (slot < 0) slot = table.insert(a, b);
        write(i, slot);
        remember(i, slot);
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
    return reading === undefined ? { allowed, outcomes } : { allowed, outcomes, risk: reading };
  }

  if (restore !== undefined) {
    restoreState(restore, table, targetSets, clock.now(), maxTargetsPerKey, () =>
      claims.makeRoomForRestore(clock.now()),
    );
    riskTable.restoreRecords(restore.risk);
  }

  function countTargets(): number {
    let total = 0;
    for (const set of targetSets.values()) total += set.size();
    return total;
  }

  return {
    name: 'memory',
    consume,
    signal: (risk, signal) => riskTable.signal(risk, signal, clock.now()),
    admin: createMemoryRiskAdmin(riskTable, clock),
    size: () => table.size(),
    exportState: () => exportState(table, targetSets, [seedA, seedB], clock.now(), riskTable.exportRecords()),
    stats: () => ({
      keys: table.size(),
      maxKeys,
      evictedResting: table.evictions.resting,
      evictedForgetting: table.evictions.forgetting,
      evictedOldest: table.evictions.oldest,
      overflowed: claims.overflowed(),
      targetSets: targetSets.size,
      targets: countTargets(),
      riskRecords: riskTable.size(),
      riskOverflowed: riskTable.overflowed(),
    }),
    clear: () => {
      table.clear();
      targetSets.clear();
      claims.clear();
      riskTable.clear();
    },
    close: () => Promise.resolve(),
  };
}

function sameSeed(x: readonly [number, number], y: readonly [number, number]): boolean {
  return x[0] === y[0] && x[1] === y[1];
}
