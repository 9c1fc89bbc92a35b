import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import { manualClock, type Clock } from '../core/clock.ts';
import { isEnumguardError } from '../core/errors.ts';
import type { LimitSpec } from '../core/limit.ts';
import { riskModel } from '../core/risk.ts';
import { createMemoryStore, type MemoryStore, type MemoryStoreOptions } from './memory-store.ts';
import { NO_RISK_RECORDS, type RiskRecords } from './risk-records.ts';
import { identityTag } from './risk-subject.ts';
import { decodeSnapshot, encodeSnapshot, snapshotSize } from './snapshot.ts';
import type { StoreState } from './store-state.ts';
import type { RiskLayer, RiskReading, RiskSignal } from './store.ts';

const MIN = 60_000;
const model = riskModel({
  halfLifeMs: 10 * MIN,
  thresholds: { observe: 10, shrink: 20, challenge: 40, block: 80 },
  shrinkFactor: 0.25,
  block: { baseMs: 30 * MIN, multiplier: 2, maxMs: 24 * 60 * MIN, forgetAfterMs: 7 * 24 * 60 * MIN },
});
const A = '198.51.100.0/24';
const B = '203.0.113.0/24';
const C = '192.0.2.0/24';
const D = '2001:db8::/64';

const lookup = (identity: string | undefined, prefix: string) => ({ model, identity, prefix, shadow: false });
/** A signal strong enough to block, all of it on one layer. */
const blow = (layer: RiskLayer): RiskSignal => ({
  weight: 100,
  layers: { identity: 0, ipPrefix: 0, cohort: 0, [layer]: 1 },
  shadow: false,
});
const read = (store: MemoryStore, identity: string, prefix: string): RiskReading =>
  store.consume([], lookup(identity, prefix)).risk as RiskReading;

/** A snapshot through bytes, as a restart would see it. */
function restart(store: MemoryStore, options: Partial<MemoryStoreOptions> & { clock: Clock }): MemoryStore {
  return createMemoryStore({ ...options, restore: decodeSnapshot(encodeSnapshot(store.exportState())) });
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

/** The version-1 layout, written by hand: header of 48 bytes, no risk count or sections. */
function encodeV1(state: StoreState): Buffer {
  const size = 48 + 44 * state.keys + 4 * state.targets.length + 4;
  const out = Buffer.alloc(size);
  out.write('EGSNAP\r\n', 0, 'latin1');
  out.writeUInt16LE(1, 8);
  out.writeUInt16LE(48, 10);
  out.writeUInt32LE(state.keys, 12);
  out.writeDoubleLE(size, 16);
  out.writeInt32LE(state.seed[0], 24);
  out.writeInt32LE(state.seed[1], 28);
  out.writeDoubleLE(state.savedAt, 32);
  out.writeDoubleLE(state.targets.length, 40);
  let at = 48;
  for (const v of state.fingerprints) at = out.writeInt32LE(v, at);
  for (const v of state.states) at = out.writeDoubleLE(v, at);
  for (const v of state.targetCounts) at = out.writeUInt32LE(v, at);
  for (const v of state.targets) at = out.writeInt32LE(v, at);
  out.writeUInt32LE(crc32(out.subarray(0, at)), at);
  return out;
}

describe('memory store snapshot: risk records', () => {
  it('keeps a block, its end, the age and the cohort of an identity across a restart', () => {
    const t0 = 1_700_000_000_000;
    const clock = manualClock(t0);
    const options = { clock, seed: [7, 8] as const };
    const store = createMemoryStore(options);
    read(store, 'bearer tok-1', A); // first seen from A: its cohort
    read(store, 'bearer tok-2', C);
    clock.advance(5 * MIN);
    const blocked = store.signal(lookup('bearer tok-1', B), blow('identity'));
    assert.equal(blocked.enforced.level, 'block');
    assert.equal(blocked.enforced.blockedUntil, t0 + 35 * MIN);
    clock.advance(MIN);

    const bytes = encodeSnapshot(store.exportState());
    // The labels: the identity's tag and the network's prefix, one line each (the cohort has none).
    const labels = `i ${identityTag('bearer tok-1')}\nn ${B}`.length + 2;
    assert.equal(bytes.length, snapshotSize(0, 0, store.stats().riskRecords, labels));
    assert.equal(bytes.includes('tok-'), false, 'fingerprints only, never a token in clear');
    const restored = createMemoryStore({ ...options, restore: decodeSnapshot(bytes) });
    assert.equal(restored.stats().riskRecords, store.stats().riskRecords);

    const after = read(restored, 'bearer tok-1', B);
    assert.equal(after.enforced.level, 'block');
    assert.equal(after.layer, 'identity');
    assert.equal(after.enforced.blockedUntil, t0 + 35 * MIN);
    assert.equal(after.ageMs, 6 * MIN, 'the age runs from the first sight before the restart');
    assert.equal(read(restored, 'bearer tok-2', D).ageMs, 6 * MIN);

    // tok-2 now calls from D, but its cohort is still C, where it was first seen: blowing
    // the cohort up blocks newcomers from C, not from D.
    const viaCohort = restored.signal(lookup('bearer tok-2', D), blow('cohort'));
    assert.deepEqual([viaCohort.enforced.level, viaCohort.layer], ['block', 'cohort']);
    assert.deepEqual([read(restored, 'bearer tok-3', C).layer], ['cohort']);
    assert.equal(read(restored, 'bearer tok-4', D).enforced.level, 'none');

    clock.set(t0 + 35 * MIN);
    assert.notEqual(read(restored, 'bearer tok-1', B).enforced.level, 'block', 'the block ends on time');
  });

  it('keeps the subjects of its records, so the blocks are listed right after a restart', async () => {
    const clock = manualClock(1_700_000_000_000);
    const options = { clock, seed: [3, 5] as const };
    const store = createMemoryStore(options);
    store.signal(lookup('bearer tok-1', A), blow('identity'));
    store.signal(lookup(undefined, D), blow('ipPrefix'));
    read(store, 'bearer tok-2', C); // seen, never signalled: no subject
    const admin = store.admin;
    const before = await admin.blocks(model);
    assert.deepEqual(
      before.map((e) => e.subject),
      [
        { kind: 'identity', tag: identityTag('bearer tok-1') },
        { kind: 'network', prefix: D },
      ],
    );
    const bytes = encodeSnapshot(store.exportState());
    assert.equal(bytes.includes('tok-'), false, 'tags only, never a token in clear');
    const restored = restart(store, options);
    assert.deepEqual(await restored.admin.blocks(model), before);
    const top = await restored.admin.top(model, 10);
    assert.deepEqual(
      top.map((e) => e.subject),
      before.map((e) => e.subject),
    );
    // An operator can lift the restored block by its tag, and the identity is served again.
    assert.equal(
      await restored.admin.lift(model, { kind: 'identity', tag: identityTag('bearer tok-1') }),
      true,
    );
    assert.equal(read(restored, 'bearer tok-1', A).enforced.level, 'none');
  });

  it('answers every later read as the store it was taken from would', () => {
    const clock = manualClock(0);
    const options = { clock, seed: [1, 9] as const };
    const store = createMemoryStore(options);
    const half: RiskSignal = {
      weight: 30,
      layers: { identity: 1, ipPrefix: 0.5, cohort: 0.5 },
      shadow: false,
    };
    for (let i = 0; i < 20; i++) {
      store.signal(lookup(`id-${i % 7}`, i % 2 === 0 ? A : B), half);
      store.signal(lookup(undefined, C), { ...half, shadow: true });
      clock.advance(40_000);
    }
    const restored = restart(store, options);
    assert.deepEqual(restored.exportState().risk, store.exportState().risk);
    const start = clock.now();
    const plays = [store, restored].map((s) => {
      clock.set(start);
      const log: RiskReading[] = [];
      for (let i = 0; i < 30; i++) {
        log.push(read(s, `id-${i % 9}`, i % 3 === 0 ? C : A));
        if (i % 4 === 0) log.push(s.signal(lookup(`id-${i % 5}`, D), half));
        clock.advance(3 * MIN);
      }
      return log;
    });
    assert.deepEqual(plays[1], plays[0]);
  });

  it('keeps the most recently used records when restored under a smaller maxRiskRecords', () => {
    const clock = manualClock(0);
    const store = createMemoryStore({ clock, seed: [3, 4] });
    // Each signal touches i|id-k, then p|A and c|A: the ten identities are the oldest records.
    for (let k = 0; k < 10; k++) store.signal(lookup(`id-${k}`, A), blow('identity'));
    assert.equal(store.stats().riskRecords, 12);
    const small = restart(store, { clock, maxRiskRecords: 5 });
    assert.equal(small.stats().riskRecords, 5);
    // Checked newest first: each read of a forgotten identity records it, evicting the oldest.
    for (const k of [9, 8, 7]) assert.equal(read(small, `id-${k}`, A).enforced.level, 'block', `id-${k}`);
    for (let k = 6; k >= 0; k--) assert.equal(read(small, `id-${k}`, A).enforced.level, 'none', `id-${k}`);
  });

  it('loads a version-1 snapshot: its keys, and no risk records', () => {
    const clock = manualClock(0);
    const options = { clock, seed: [5, 6] as const };
    const store = createMemoryStore(options);
    const spec: LimitSpec = { id: 'f', algorithm: 'fixed-window', limit: 3, windowMs: 5_000, burst: 3 };
    const numbers = ['+14155550100', '+14155550101'];
    store.consume([
      { spec, key: 'f:a', cost: 3 },
      { spec: { ...spec, id: 'q' }, key: 'q:a', cost: 0, targets: numbers },
    ]);
    store.signal(lookup('id-1', A), blow('identity'));
    const state = store.exportState();
    const decoded = decodeSnapshot(encodeV1(state), 'old.snap');
    assert.deepEqual(decoded, { ...state, risk: NO_RISK_RECORDS });
    const restored = createMemoryStore({ ...options, restore: decoded });
    assert.deepEqual(restored.stats(), { ...store.stats(), riskRecords: 0 });
    assert.equal(
      restored.consume([{ spec, key: 'f:a', cost: 1 }]).allowed,
      false,
      'the limiter state is kept',
    );
    assert.equal(read(restored, 'id-1', A).enforced.level, 'none');
  });
});

describe('snapshot decoding: risk records', () => {
  const clock = manualClock(1_000);
  const store = createMemoryStore({ clock, seed: [1, 2] });
  store.signal(lookup('id-1', A), blow('identity'));
  const state = store.exportState();
  const withRisk = (risk: Partial<RiskRecords>): StoreState => ({
    ...state,
    risk: { ...state.risk, ...risk },
  });

  it('refuses a state field that is not a finite number', () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      const states = Float64Array.from(state.risk.states, (v, i) => (i === 9 + 3 ? bad : v));
      assert.equal(
        errorOf(() => decodeSnapshot(encodeSnapshot(withRisk({ states })), 'snap.bin')),
        'snap.bin: risk record 1 has a state that is not a finite number',
      );
    }
  });

  it('refuses the fingerprint (0, 0), which marks "no cohort"', () => {
    const fingerprints = Int32Array.from(state.risk.fingerprints, (v, i) => (i < 2 ? 0 : v));
    assert.equal(
      errorOf(() => decodeSnapshot(encodeSnapshot(withRisk({ fingerprints })), 'snap.bin')),
      'snap.bin: risk record 0 has the fingerprint (0, 0), which no record can have',
    );
  });

  it('refuses a risk record count that disagrees with the length, and a header cut short', () => {
    const good = encodeSnapshot(state);
    for (const count of [1_000, 2.5, -1]) {
      const lying = Buffer.from(good);
      lying.writeDoubleLE(count, 48);
      assert.equal(
        errorOf(() => decodeSnapshot(lying, 'snap.bin')),
        `snap.bin: the header's lengths disagree (0 keys, 0 targets and ${count} risk records, ${good.readDoubleLE(56)} label bytes, but ${good.length} bytes)`,
      );
    }
    assert.equal(
      errorOf(() => decodeSnapshot(good.subarray(0, 50), 'snap.bin')),
      'snap.bin: truncated at byte 50 (the header alone is 64 bytes)',
    );
  });

  it('refuses labels that do not match the records, and reads a version 2 file without them', () => {
    const good = encodeSnapshot(state);
    const at = good.length - 4 - good.readDoubleLE(56);
    const label = good.subarray(at, good.length - 4).toString('latin1');
    // The identity, its network and its cohort, which names no one an operator acts on.
    assert.match(label, /^i [0-9a-f]{12}\nn 198\.51\.100\.0\/24\n$/);
    const forged = Buffer.from(good);
    forged.write('x', at, 'latin1');
    forged.writeUInt32LE(crc32(forged.subarray(0, forged.length - 4)), forged.length - 4);
    assert.equal(
      errorOf(() => decodeSnapshot(forged, 'snap.bin')),
      'snap.bin: risk record 0 has a label that is neither an identity tag nor a network prefix',
    );
    const one = encodeSnapshot(withRisk({ labels: [undefined] }));
    assert.equal(
      errorOf(() => decodeSnapshot(one, 'snap.bin')),
      'snap.bin: 1 risk labels for 3 risk records',
    );
    // Version 2: header 56, no label count or labels; the records load without subjects.
    const v2 = Buffer.concat([good.subarray(0, 56), good.subarray(64, at)]);
    v2.writeUInt16LE(2, 8);
    v2.writeUInt16LE(56, 10);
    v2.writeDoubleLE(v2.length + 4, 16);
    const v2file = Buffer.concat([v2, Buffer.alloc(4)]);
    v2file.writeUInt32LE(crc32(v2), v2.length);
    const decoded = decodeSnapshot(v2file, 'old.snap');
    const { labels, ...rest } = state.risk;
    assert.equal(labels?.length, state.risk.count);
    assert.deepEqual(decoded, { ...state, risk: rest });
  });

  it('refuses a record twice, and arrays that do not hold the count', () => {
    const fingerprints = Int32Array.from(state.risk.fingerprints, (v, i) =>
      i >= 2 && i < 4 ? (state.risk.fingerprints[i - 2] as number) : v,
    );
    const twice = decodeSnapshot(encodeSnapshot(withRisk({ fingerprints })));
    assert.equal(
      errorOf(() => createMemoryStore({ clock, restore: twice })),
      "risk record 1's fingerprint appears twice in the state",
    );
    assert.equal(
      errorOf(() => createMemoryStore({ clock, restore: withRisk({ count: 5 }) })),
      "the state's risk arrays do not hold 5 records",
    );
  });
});
