import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import { isEnumguardError } from '../../core/errors.ts';
import { ANCHORED, type GraphView } from './contact-graph.ts';
import { decodeGraphSnapshot, encodeGraphSnapshot, graphSnapshotSize } from './graph-snapshot.ts';
import type { GraphState } from './graph-state.ts';
import {
  createMemoryContactGraph,
  type MemoryContactGraph,
  type MemoryContactGraphOptions,
} from './memory-contact-graph.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);
const SEED = [21, 22] as const;

const BOUNDS: Pick<MemoryContactGraphOptions, 'config' | 'sessions'> = {
  config: { maxPerAccount: 100, maxAccounts: 100, forgetAfterMs: 30 * DAY, bootstrapMs: DAY, anchorAt: 2 },
  sessions: { forgetAfterMs: 10 * DAY, max: 100 },
};

function graphAt(createdAt: number, restore?: GraphState, bounds = BOUNDS): MemoryContactGraph {
  return createMemoryContactGraph({
    ...bounds,
    seed: restore?.seed ?? SEED,
    createdAt: restore?.createdAt ?? createdAt,
    ...(restore === undefined ? {} : { restore }),
  });
}

function viewOf(g: MemoryContactGraph, account: number, targets: readonly number[], now: number): GraphView {
  return g.view(account, targets, now);
}

function accountOf(g: MemoryContactGraph, session: string, now: number): number | undefined {
  return g.accountOf(session, now);
}

const number = (i: number): string => `+1555000${String(i).padStart(4, '0')}`;

/**
 * A small world: 8 accounts, each holding the next three numbers; 0–3 seen in the bootstrap
 * window (seeds), 4–7 after it; 4 shown 0 and 1; 5 vouched by 0 and 1 (anchored by vouchers);
 * a session per account.
 */
function populated(): { g: MemoryContactGraph; fps: number[] } {
  const g = graphAt(T0);
  const fps = Array.from({ length: 10 }, (_, i) => g.fingerprint(number(i)));
  fps.slice(0, 8).forEach((fp, i) => {
    const at = i < 4 ? T0 + i : T0 + DAY + i;
    g.update(fp, { held: fps.slice(i + 1, i + 4), shown: [], vouchers: [] }, at);
    g.bind(`Bearer t${i}`, fp, at);
  });
  const [a0, a1, , , a4, a5] = fps as [number, number, number, number, number, number];
  g.update(a4, { held: [], shown: [a0, a1], vouchers: [] }, T0 + 2 * DAY);
  g.update(a5, { held: [], shown: [], vouchers: [a0, a1] }, T0 + 2 * DAY);
  return { g, fps };
}

/** Every account's view of every number, and every session's account. */
function everything(g: MemoryContactGraph, fps: readonly number[], now: number) {
  const views = fps.map((fp) => {
    const v = viewOf(g, fp, fps, now);
    return { trust: v.trust, flags: [...v.flags] };
  });
  const sessions = fps.map((_, i) => accountOf(g, `Bearer t${i}`, now));
  return { views, sessions, stats: g.stats() };
}

function roundTrip(state: GraphState): GraphState {
  return decodeGraphSnapshot(encodeGraphSnapshot(state), 'g.graph');
}

/** The encoded state with `edit` applied and the checksum made right again. */
function edited(state: GraphState, edit: (bytes: Buffer, view: DataView) => void): Buffer {
  const bytes = encodeGraphSnapshot(state);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  edit(bytes, view);
  view.setUint32(bytes.length - 4, crc32(bytes.subarray(0, bytes.length - 4)), true);
  return bytes;
}

function refuses(bytes: Uint8Array, message: string | RegExp): void {
  assert.throws(
    () => decodeGraphSnapshot(bytes, '/var/lib/eg/state.snap.graph'),
    (err: unknown) => {
      assert.ok(isEnumguardError(err, 'ERR_SNAPSHOT_INVALID'), String(err));
      const expected = typeof message === 'string' ? `/var/lib/eg/state.snap.graph: ${message}` : message;
      if (typeof expected === 'string') assert.equal(err.message, expected);
      else assert.match(err.message, expected);
      return true;
    },
  );
}

describe('the contact graph snapshot', () => {
  it('restores a graph that answers view and accountOf exactly as the one saved', () => {
    const { g, fps } = populated();
    const now = T0 + 3 * DAY;
    const before = everything(g, fps, now);
    const restored = graphAt(0, roundTrip(g.exportState(now)));
    assert.deepEqual(everything(restored, fps, now), before);
    // The world is not trivial: seeds, a vouched account, shown numbers, bound sessions.
    assert.ok(before.views.some((v) => v.flags.some((f) => f & ANCHORED)));
    assert.equal(before.views[5]?.trust, 2);
    assert.equal(before.sessions[3], fps[3]);
    assert.equal(restored.createdAt, T0);
  });

  it('keeps the graph birth, so an account first seen after a restart past the window is no seed', () => {
    const { g, fps } = populated();
    const restart = T0 + 3 * DAY;
    const restored = graphAt(0, roundTrip(g.exportState(restart)));
    const newcomer = restored.fingerprint(number(50));
    restored.update(newcomer, { held: [], shown: [], vouchers: [] }, restart);
    assert.equal((viewOf(restored, fps[0] as number, [newcomer], restart).flags[0] as number) & ANCHORED, 0);
    assert.equal(
      (viewOf(restored, newcomer, [fps[0] as number], restart).flags[0] as number) & ANCHORED,
      ANCHORED,
    );
    // What a graph reborn at the restart would have done: made the newcomer a seed.
    const reborn = graphAt(restart);
    reborn.update(newcomer, { held: [], shown: [], vouchers: [] }, restart);
    assert.equal(
      (viewOf(reborn, fps[0] as number, [newcomer], restart).flags[0] as number) & ANCHORED,
      ANCHORED,
    );
  });

  it('writes no account or session that expired', () => {
    const { g } = populated();
    // 11 days after the last activity: sessions (10 days) are gone, accounts (30 days) are not.
    const state = g.exportState(T0 + 2 * DAY + 11 * DAY);
    assert.equal(state.sessions, 0);
    assert.equal(state.nodes, 8);
    const later = g.exportState(T0 + 2 * DAY + 31 * DAY);
    assert.deepEqual([later.nodes, later.members.length], [0, 0]);
    assert.equal(encodeGraphSnapshot(later).length, graphSnapshotSize(0, 0, 0));
  });

  it('restores into smaller bounds the most recently active accounts and sessions', () => {
    const { g, fps } = populated();
    const now = T0 + 3 * DAY;
    const small = { config: { ...BOUNDS.config, maxAccounts: 2 }, sessions: { ...BOUNDS.sessions, max: 3 } };
    const restored = graphAt(0, roundTrip(g.exportState(now)), small);
    assert.deepEqual([restored.stats().accounts, restored.stats().sessions], [2, 3]);
    // 4 and 5 were active last (their shown and vouchers came at T0 + 2d).
    assert.equal(viewOf(restored, fps[5] as number, [], now).trust, 2);
    assert.equal(accountOf(restored, 'Bearer t7', now), fps[7]);
    assert.equal(accountOf(restored, 'Bearer t4', now), undefined);
  });

  it('refuses a file that is not a contact graph snapshot, or of a newer format', () => {
    const state = populated().g.exportState(T0 + 3 * DAY);
    const bytes = encodeGraphSnapshot(state);
    refuses(
      Buffer.from('EGSNAP\r\n the store snapshot'),
      'not an enumguard contact graph snapshot (wrong magic bytes)',
    );
    refuses(
      edited(state, (_, v) => v.setUint16(8, 2, true)),
      'format version 2 is newer than this enumguard understands (1); upgrade enumguard or remove the file',
    );
    refuses(
      edited(state, (_, v) => v.setUint16(8, 0, true)),
      'format version 0 is not valid',
    );
    const flipped = Buffer.from(bytes);
    flipped[100] = (flipped[100] as number) ^ 1;
    refuses(
      flipped,
      /: checksum mismatch \(stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\): the file is corrupt$/,
    );
  });

  it('refuses a truncated file, and one with bytes after its end', () => {
    const bytes = encodeGraphSnapshot(populated().g.exportState(T0 + 3 * DAY));
    refuses(Buffer.alloc(0), 'truncated at byte 0 (the header alone is 60 bytes)');
    refuses(bytes.subarray(0, 30), 'truncated at byte 30 (the header alone is 60 bytes)');
    refuses(
      bytes.subarray(0, bytes.length - 1),
      `truncated at byte ${bytes.length - 1} (expected ${bytes.length} bytes)`,
    );
    refuses(
      Buffer.concat([bytes, Buffer.alloc(3)]),
      `3 unexpected bytes after the end at byte ${bytes.length}`,
    );
  });

  it('refuses lengths the file cannot hold before allocating anything for them', () => {
    const state = populated().g.exportState(T0 + 3 * DAY);
    const len = encodeGraphSnapshot(state).length;
    // Four billion accounts, the file's length left as it is: the header contradicts itself.
    refuses(
      edited(state, (_, v) => v.setUint32(12, 0xffff_ffff, true)),
      `the header's lengths disagree (4294967295 accounts, ${state.members.length} set members, ${state.sessions} sessions, but ${len} bytes)`,
    );
    // The same with a file length to match: the file is far shorter than it claims.
    const claimed = graphSnapshotSize(0xffff_ffff, state.members.length, state.sessions);
    refuses(
      edited(state, (_, v) => {
        v.setUint32(12, 0xffff_ffff, true);
        v.setFloat64(36, claimed, true);
      }),
      `truncated at byte ${len} (expected ${claimed} bytes)`,
    );
    refuses(
      edited(state, (_, v) => v.setFloat64(28, 2 ** 60, true)),
      /the header's lengths disagree \(8 accounts, \d+ set members, 8 sessions, but \d+ bytes\)$/,
    );
  });

  it('refuses a whole file whose contents contradict themselves', () => {
    const state = populated().g.exportState(T0 + 3 * DAY);
    const accounts = 60;
    const sets = accounts + 8 * 8 + 16 * 8;
    const members = sets + 12 * 8;
    refuses(
      edited(state, (_, v) => v.setFloat64(accounts + 8, v.getFloat64(accounts, true), true)),
      'account 1 appears twice',
    );
    refuses(
      edited(state, (_, v) => v.setFloat64(accounts, 0.5, true)),
      'account 0 has a fingerprint that is not a 53-bit integer',
    );
    refuses(
      edited(state, (_, v) => v.setFloat64(accounts + 64, NaN, true)),
      'account 0 has first and last seen times that are not finite and in order',
    );
    // Account 0 holds three numbers: swap the first two.
    refuses(
      edited(state, (_, v) => {
        const first = v.getUint32(members, true);
        v.setUint32(members, v.getUint32(members + 4, true), true);
        v.setUint32(members + 4, first, true);
      }),
      "account 0's set 0 is not in strictly ascending order",
    );
    refuses(
      // The last account's held set says it holds one number fewer than it does.
      edited(state, (_, v) => v.setUint32(sets + 12 * 7, v.getUint32(sets + 12 * 7, true) - 1, true)),
      `the accounts' sets hold ${state.members.length - 1} members, but the header says ${state.members.length}`,
    );
    refuses(
      edited(state, (_, v) => v.setFloat64(44, Infinity, true)),
      'createdAt is not a finite time',
    );
  });
});
