import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import { manualClock, type ManualClock } from '../core/clock.ts';
import { isEnumguardError } from '../core/errors.ts';
import type { LimitCheck, LimitSpec } from '../core/limit.ts';
import { createMemoryStore, type MemoryStore, type MemoryStoreOptions } from './memory-store.ts';
import { decodeSnapshot, encodeSnapshot, snapshotSize } from './snapshot.ts';

const gcra: LimitSpec = { id: 'g', algorithm: 'gcra', limit: 10, windowMs: 60_000, burst: 5 };
const sliding: LimitSpec = { id: 's', algorithm: 'sliding-window', limit: 4, windowMs: 10_000, burst: 4 };
const fixed: LimitSpec = { id: 'f', algorithm: 'fixed-window', limit: 3, windowMs: 5_000, burst: 3 };
// Signal-like: a burst of 50 new numbers, refilling slowly; only unseen numbers are charged.
const quota: LimitSpec = { id: 'q', algorithm: 'gcra', limit: 6, windowMs: 3_600_000, burst: 50 };

const numbers = (from: number, count: number): string[] =>
  Array.from({ length: count }, (_, i) => `+1415${String(5_000_000 + from + i)}`);
const distinct = (targets: readonly string[], key = 'q:alice'): LimitCheck => ({
  spec: quota,
  key,
  cost: 0,
  targets,
});

/** A snapshot through bytes, as a restart would see it. */
function restart(store: MemoryStore, options: MemoryStoreOptions): MemoryStore {
  return createMemoryStore({ ...options, restore: decodeSnapshot(encodeSnapshot(store.exportState())) });
}

/** Plays the same requests on two stores, moving the clock, and returns both decision logs. */
function play(stores: readonly MemoryStore[], clock: ManualClock, steps: readonly (LimitCheck[] | number)[]) {
  return stores.map((store) => {
    const start = clock.now();
    const log = steps.map((step) => {
      if (typeof step === 'number') {
        clock.advance(step);
        return step;
      }
      const { allowed, outcomes } = store.consume(step);
      return { allowed, remaining: outcomes.map((o) => [o.remaining, o.resetMs, o.retryAfterMs]) };
    });
    clock.set(start);
    return log;
  });
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(isEnumguardError(err, 'ERR_SNAPSHOT_INVALID'), String(err));
    return err.message;
  }
  return assert.fail('expected ERR_SNAPSHOT_INVALID');
}

describe('memory store snapshot', () => {
  it('restores GCRA, sliding and fixed window state and targets: the same decisions follow', () => {
    const clock = manualClock(1_700_000_000_000);
    const options = { clock, seed: [11, 22] as const };
    const store = createMemoryStore(options);
    const book = numbers(0, 40);
    for (let i = 0; i < 4; i++) {
      store.consume([{ spec: gcra, key: 'g:alice', cost: 1 }]);
      store.consume([{ spec: sliding, key: 's:10.0.0.1', cost: 1 }]);
      store.consume([{ spec: fixed, key: 'f:route', cost: 1 }]);
      clock.advance(700);
    }
    assert.equal(store.consume([distinct(book)]).allowed, true);

    const restored = restart(store, options);
    assert.deepEqual(restored.stats(), { ...store.stats(), evictedResting: 0, evictedForgetting: 0 });
    const steps: (LimitCheck[] | number)[] = [
      [distinct(book)], // the known address book is free
      [distinct(numbers(40, 10))], // new numbers are charged: 50 of 50 used
      [distinct(numbers(50, 1))], // and the quota is spent
      [{ spec: gcra, key: 'g:alice', cost: 2 }],
      [{ spec: sliding, key: 's:10.0.0.1', cost: 1 }],
      [{ spec: sliding, key: 's:10.0.0.1', cost: 1 }],
      [{ spec: fixed, key: 'f:route', cost: 1 }],
      4_000,
      [{ spec: fixed, key: 'f:route', cost: 3 }],
      [{ spec: sliding, key: 's:10.0.0.1', cost: 2 }],
      [distinct(book), { spec: gcra, key: 'g:alice', cost: 1 }],
      600_000,
      [distinct(numbers(60, 2))],
    ];
    const [before, after] = play([store, restored], clock, steps);
    assert.deepEqual(after, before);
    // The restored decisions are the ones a restart must keep: known free, new charged, spent denied.
    const first = after?.slice(0, 3) as { allowed: boolean; remaining: number[][] }[];
    assert.deepEqual(
      first.map((d) => [d.allowed, d.remaining[0]?.[0]]),
      [
        [true, 10],
        [true, 0],
        [false, 0],
      ],
    );
  });

  it('forgets the oldest half of a restored target set exactly as the original would', () => {
    const clock = manualClock(0);
    const roomy: LimitSpec = { ...quota, limit: 1e6, burst: 1e6 };
    const options = { clock, seed: [5, 6] as const, maxTargetsPerKey: 100 };
    const store = createMemoryStore(options);
    for (let i = 0; i < 90; i += 10) store.consume([{ ...distinct(numbers(i, 10)), spec: roomy }]);
    const restored = restart(store, options);
    // 30 more overflow the bound of 100: the oldest half goes; then probe every number once.
    const steps: LimitCheck[][] = [[{ ...distinct(numbers(90, 30)), spec: roomy }]];
    for (let i = 0; i < 120; i++) steps.push([{ ...distinct(numbers(i, 1)), spec: roomy }]);
    const [before, after] = play([store, restored], clock, steps);
    assert.deepEqual(after, before);
    assert.equal(restored.stats().targets, store.stats().targets);
  });

  it('keeps expired state expired: a restore after the window starts the key fresh', () => {
    const clock = manualClock(0);
    const options = { clock, seed: [1, 2] as const };
    const store = createMemoryStore(options);
    for (let i = 0; i < 3; i++) store.consume([{ spec: fixed, key: 'f:a', cost: 1 }]);
    clock.advance(5_000);
    const restored = restart(store, options);
    // Expired and without targets: not even written.
    assert.equal(restored.size(), 0);
    assert.equal(restored.consume([{ spec: fixed, key: 'f:a', cost: 1 }]).outcomes[0]?.remaining, 2);

    clock.set(0);
    const early = restart(store, options);
    assert.equal(early.consume([{ spec: fixed, key: 'f:a', cost: 1 }]).allowed, false);
    clock.set(5_000);
    assert.equal(early.consume([{ spec: fixed, key: 'f:a', cost: 1 }]).allowed, true);
  });

  it('restores into a smaller store by evicting the least recently used keys', () => {
    const clock = manualClock(0);
    const store = createMemoryStore({ clock, seed: [3, 4], maxKeys: 1_000 });
    for (let i = 0; i < 200; i++) store.consume([{ spec: fixed, key: `f:${i}`, cost: 3 }]);
    const small = restart(store, { clock, maxKeys: 64 });
    assert.equal(small.size(), 64);
    // The 64 most recent keys (136..199) are spent; older ones were evicted and start fresh.
    assert.equal(small.consume([{ spec: fixed, key: 'f:199', cost: 1 }]).allowed, false);
    assert.equal(small.consume([{ spec: fixed, key: 'f:136', cost: 1 }]).allowed, false);
    assert.equal(small.consume([{ spec: fixed, key: 'f:0', cost: 1 }]).allowed, true);
  });

  it('takes 44 bytes per key plus 4 per target (and 88 per risk record)', () => {
    const clock = manualClock(0);
    const store = createMemoryStore({ clock, seed: [1, 2] });
    store.consume([distinct(numbers(0, 30))]);
    store.consume([{ spec: gcra, key: 'g:a', cost: 1 }]);
    const bytes = encodeSnapshot(store.exportState());
    assert.equal(bytes.length, snapshotSize(2, 30));
    assert.equal(bytes.length, 64 + 2 * 44 + 30 * 4 + 4);
  });

  it('refuses a seed that disagrees with the restored one', () => {
    const clock = manualClock(0);
    const state = createMemoryStore({ clock, seed: [1, 2] }).exportState();
    assert.throws(() => createMemoryStore({ clock, seed: [9, 9], restore: state }), /keeps its seeds/);
  });
});

describe('snapshot decoding', () => {
  const clock = manualClock(0);
  const store = createMemoryStore({ clock, seed: [1, 2] });
  store.consume([distinct(numbers(0, 5))]);
  const good = encodeSnapshot(store.exportState());
  const size = good.length;

  it('reads back what it wrote', () => {
    const state = decodeSnapshot(good);
    assert.deepEqual(state, store.exportState());
  });

  it('names a truncated file and the byte it ends at', () => {
    assert.equal(
      errorOf(() => decodeSnapshot(good.subarray(0, size - 7), 'snap.bin')),
      `snap.bin: truncated at byte ${size - 7} (expected ${size} bytes)`,
    );
    assert.equal(
      errorOf(() => decodeSnapshot(good.subarray(0, 0), 'snap.bin')),
      'snap.bin: truncated at byte 0 (the header alone is 48 bytes)',
    );
    assert.equal(
      errorOf(() => decodeSnapshot(good.subarray(0, 20), 'snap.bin')),
      'snap.bin: truncated at byte 20 (the header alone is 48 bytes)',
    );
  });

  it('detects a flipped bit by its checksum', () => {
    const bad = Buffer.from(good);
    bad[70] = (bad[70] as number) ^ 0x10;
    const stored = good
      .readUInt32LE(size - 4)
      .toString(16)
      .padStart(8, '0');
    const computed = crc32(bad.subarray(0, size - 4))
      .toString(16)
      .padStart(8, '0');
    assert.equal(
      errorOf(() => decodeSnapshot(bad, 'snap.bin')),
      `snap.bin: checksum mismatch (stored 0x${stored}, computed 0x${computed}): the file is corrupt`,
    );
  });

  it('refuses a newer format version, a foreign file and trailing bytes', () => {
    const newer = Buffer.from(good);
    newer.writeUInt16LE(9, 8);
    assert.equal(
      errorOf(() => decodeSnapshot(newer, 'snap.bin')),
      'snap.bin: format version 9 is newer than this enumguard understands (3); upgrade enumguard or remove the file to start empty',
    );
    assert.equal(
      errorOf(() => decodeSnapshot(Buffer.from('{"keys": []}\n'), 'snap.bin')),
      'snap.bin: not an enumguard snapshot (wrong magic bytes)',
    );
    assert.equal(
      errorOf(() => decodeSnapshot(Buffer.concat([good, Buffer.alloc(3)]), 'snap.bin')),
      `snap.bin: 3 unexpected bytes after the end at byte ${size}`,
    );
    const lying = Buffer.from(good);
    lying.writeUInt32LE(1_000, 12);
    assert.equal(
      errorOf(() => decodeSnapshot(lying, 'snap.bin')),
      `snap.bin: the header's lengths disagree (1000 keys, 5 targets and 0 risk records, 0 label bytes, but ${size} bytes)`,
    );
  });

  it('refuses intact files whose content is impossible', () => {
    const state = store.exportState();
    const zero = { ...state, targets: Int32Array.from(state.targets, (h, i) => (i === 2 ? 0 : h)) };
    assert.equal(
      errorOf(() => decodeSnapshot(encodeSnapshot(zero), 'snap.bin')),
      'snap.bin: target 2 has the fingerprint 0, which no target can have',
    );
    const twice = {
      ...state,
      keys: 2,
      fingerprints: Int32Array.of(7, 8, 7, 8),
      states: new Float64Array(8).fill(1e9),
      targetCounts: Uint32Array.of(0, 0),
      targets: new Int32Array(0),
    };
    const decoded = decodeSnapshot(encodeSnapshot(twice));
    assert.equal(
      errorOf(() => createMemoryStore({ clock, restore: decoded })),
      "key 1's fingerprint appears twice in the state",
    );
  });
});
