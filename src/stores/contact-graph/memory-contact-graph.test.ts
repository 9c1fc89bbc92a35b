import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ANCHORED,
  MUTUAL,
  SHOWN,
  VOUCHED,
  type ContactGraph,
  type GraphChange,
  type GraphHistory,
  type GraphView,
} from './contact-graph.ts';
import { createMemoryContactGraph, type MemoryContactGraphOptions } from './memory-contact-graph.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);

type Config = MemoryContactGraphOptions['config'];

const CONFIG: Config = {
  maxPerAccount: 100,
  maxAccounts: 100,
  forgetAfterMs: 30 * DAY,
  bootstrapMs: 0,
  anchorAt: 2,
};

/** The memory graph answers at once: every call is checked to return no promise. */
interface SyncGraph {
  fingerprint(number: string): number;
  accountOf(session: string, now: number): number | undefined;
  bind(session: string, account: number, now: number): void;
  view(account: number, targets: readonly number[], now: number): GraphView;
  update(account: number, change: GraphChange, now: number): void;
  stats: ContactGraph['stats'];
}

function sync<T>(value: T | Promise<T>): T {
  assert.ok(!(value instanceof Promise), 'the memory graph answered with a promise');
  return value;
}

function syncGraph(g: ContactGraph): SyncGraph {
  return {
    fingerprint: (number) => g.fingerprint(number),
    accountOf: (session, now) => sync(g.accountOf(session, now)),
    bind: (session, account, now) => sync(g.bind(session, account, now)),
    view: (account, targets, now) => sync(g.view(account, targets, now)),
    update: (account, change, now) => sync(g.update(account, change, now)),
    stats: () => g.stats(),
  };
}

function graphOf(
  config: Partial<Config> = {},
  extra: { history?: GraphHistory; sessions?: MemoryContactGraphOptions['sessions'] } = {},
): SyncGraph {
  return syncGraph(
    createMemoryContactGraph({
      config: { ...CONFIG, ...config },
      sessions: extra.sessions ?? { forgetAfterMs: 10 * DAY, max: 100 },
      seed: [11, 12],
      createdAt: T0,
      ...(extra.history === undefined ? {} : { history: extra.history }),
    }),
  );
}

const NONE = { held: [], vouchers: [], shown: [] } as const;

/** The flags of one target as seen by `account`. */
function flagsOf(graph: SyncGraph, account: number, target: number, now: number): number {
  return graph.view(account, [target], now).flags[0] as number;
}

function trustOf(graph: SyncGraph, account: number, now: number): number {
  return graph.view(account, [], now).trust;
}

/** Fingerprints of numbers +1 555 000 0000 + i. */
function accounts(graph: SyncGraph, n: number): number[] {
  return Array.from({ length: n }, (_, i) => graph.fingerprint(`+1555000${String(i).padStart(4, '0')}`));
}

describe('createMemoryContactGraph', () => {
  it('fingerprints numbers as safe integers, the same under one key and apart under another', () => {
    const a = graphOf();
    const b = createMemoryContactGraph({
      config: CONFIG,
      sessions: { forgetAfterMs: DAY, max: 10 },
      seed: [99, 12],
      createdAt: T0,
    });
    const fp = a.fingerprint('+14155550001');
    assert.ok(Number.isSafeInteger(fp) && fp >= 0);
    assert.equal(a.fingerprint('+14155550001'), fp);
    assert.notEqual(a.fingerprint('+14155550002'), fp);
    assert.notEqual(b.fingerprint('+14155550001'), fp);
  });

  it('flags a target MUTUAL once it looked the caller up, and not the other way round', () => {
    const g = graphOf();
    const [alice, bob, carol] = accounts(g, 3) as [number, number, number];
    g.update(bob, { ...NONE, held: [alice] }, T0);
    assert.equal(flagsOf(g, alice, bob, T0) & MUTUAL, MUTUAL);
    assert.equal(flagsOf(g, bob, alice, T0) & MUTUAL, 0);
    assert.equal(flagsOf(g, carol, bob, T0) & MUTUAL, 0);
  });

  it('flags a target SHOWN and VOUCHED by the caller own node, for that caller only', () => {
    const g = graphOf();
    const [alice, bob, carol] = accounts(g, 3) as [number, number, number];
    g.update(alice, { held: [], shown: [bob], vouchers: [carol] }, T0);
    assert.equal(flagsOf(g, alice, bob, T0), SHOWN);
    assert.equal(flagsOf(g, alice, carol, T0), VOUCHED);
    assert.equal(flagsOf(g, carol, bob, T0), 0);
    assert.equal(trustOf(g, alice, T0), 1);
  });

  it('gives flags per target in the order asked, and trust 0 to an unknown caller', () => {
    const g = graphOf();
    const [alice, bob, carol] = accounts(g, 3) as [number, number, number];
    g.update(bob, { ...NONE, held: [alice] }, T0);
    const view = g.view(alice, [carol, bob, carol], T0);
    assert.deepEqual([...view.flags], [0, MUTUAL, 0]);
    assert.equal(view.trust, 0);
  });

  it('anchors accounts first seen within the bootstrap window, and none seen after it', () => {
    const g = graphOf({ bootstrapMs: DAY });
    const [early, late, viewer] = accounts(g, 3) as [number, number, number];
    g.update(early, NONE, T0 + DAY - 1);
    g.update(late, NONE, T0 + DAY);
    assert.equal(flagsOf(g, viewer, early, T0 + DAY), ANCHORED);
    assert.equal(flagsOf(g, viewer, late, T0 + DAY), 0);
    // Still anchored later: the node was first seen in the window.
    g.update(early, NONE, T0 + 5 * DAY);
    assert.equal(flagsOf(g, viewer, early, T0 + 5 * DAY), ANCHORED);
  });

  it('anchors an account once it has anchorAt vouchers', () => {
    const g = graphOf({ anchorAt: 3 });
    const [carol, viewer, v1, v2, v3] = accounts(g, 5) as [number, number, number, number, number];
    g.update(carol, { ...NONE, vouchers: [v1, v2] }, T0);
    assert.equal(flagsOf(g, viewer, carol, T0) & ANCHORED, 0);
    assert.equal(trustOf(g, carol, T0), 2);
    g.update(carol, { ...NONE, vouchers: [v2, v3] }, T0);
    assert.equal(flagsOf(g, viewer, carol, T0) & ANCHORED, ANCHORED);
    assert.equal(trustOf(g, carol, T0), 3);
  });

  it('takes seeds and held numbers from the history, even for accounts it never saw', () => {
    const [seedNumber, holder, caller] = ['+15550000001', '+15550000002', '+15550000003'];
    const fps = new Map<string, number>();
    const history: GraphHistory = {
      holds: (h, held) => h === fps.get(holder) && held === fps.get(caller),
      isSeed: (account) => account === fps.get(seedNumber),
    };
    const g = graphOf({}, { history });
    for (const n of [seedNumber, holder, caller]) fps.set(n, g.fingerprint(n));
    const fp = (n: string): number => fps.get(n) as number;
    assert.equal(flagsOf(g, fp(caller), fp(seedNumber), T0), ANCHORED);
    assert.equal(flagsOf(g, fp(caller), fp(holder), T0), MUTUAL);
    assert.equal(flagsOf(g, fp(holder), fp(caller), T0), 0);
  });

  it('caps held and shown numbers per account, keeping the first ones', () => {
    const g = graphOf({ maxPerAccount: 2 });
    const [caller, a, b, c] = accounts(g, 4) as [number, number, number, number];
    g.update(caller, { held: [a, b, c], shown: [c, b, a], vouchers: [] }, T0);
    // held keeps a and b: only they see the caller as MUTUAL.
    assert.equal(flagsOf(g, a, caller, T0), MUTUAL);
    assert.equal(flagsOf(g, b, caller, T0), MUTUAL);
    assert.equal(flagsOf(g, c, caller, T0), 0);
    // shown keeps c and b.
    assert.equal(flagsOf(g, caller, c, T0), SHOWN);
    assert.equal(flagsOf(g, caller, a, T0), 0);
    assert.equal(g.stats().entries, 4);
  });

  it('forgets an account unseen for forgetAfter, and keeps one updated in time', () => {
    const g = graphOf({ forgetAfterMs: 10 * DAY });
    const [quiet, busy, viewer] = accounts(g, 3) as [number, number, number];
    g.update(quiet, { ...NONE, held: [viewer] }, T0);
    g.update(busy, { ...NONE, held: [viewer] }, T0);
    g.update(busy, NONE, T0 + 9 * DAY);
    assert.equal(flagsOf(g, viewer, quiet, T0 + 10 * DAY - 1), MUTUAL);
    assert.equal(flagsOf(g, viewer, quiet, T0 + 10 * DAY), 0);
    assert.equal(flagsOf(g, viewer, busy, T0 + 10 * DAY), MUTUAL);
    assert.equal(g.stats().accounts, 1);
    // A forgotten account comes back empty: its old vouchers are gone too.
    g.update(quiet, NONE, T0 + 11 * DAY);
    assert.equal(trustOf(g, quiet, T0 + 11 * DAY), 0);
  });

  it('at maxAccounts forgets the least recently updated account', () => {
    const g = graphOf({ maxAccounts: 3 });
    const [a, b, c, d, viewer] = accounts(g, 5) as [number, number, number, number, number];
    for (const x of [a, b, c]) g.update(x, { ...NONE, held: [viewer] }, T0);
    // a is updated again, so b is now the least recently updated.
    g.update(a, NONE, T0 + 1);
    g.update(d, { ...NONE, held: [viewer] }, T0 + 2);
    assert.equal(g.stats().accounts, 3);
    assert.equal(flagsOf(g, viewer, b, T0 + 2), 0);
    for (const x of [a, c, d]) assert.equal(flagsOf(g, viewer, x, T0 + 2), MUTUAL);
  });

  it('counts accounts, entries, sessions and the bytes behind the entries', () => {
    const g = graphOf();
    const [a, b, c] = accounts(g, 3) as [number, number, number];
    assert.deepEqual(g.stats(), { accounts: 0, entries: 0, sessions: 0, entryBytes: 0 });
    g.update(a, { held: [b, c], shown: [b], vouchers: [c] }, T0);
    g.update(b, { held: [a], shown: [], vouchers: [] }, T0);
    g.bind('Bearer t1', a, T0);
    assert.deepEqual(g.stats(), { accounts: 2, entries: 5, sessions: 1, entryBytes: 5 * 4 });
  });
});

describe('createMemoryContactGraph sessions', () => {
  const SESSIONS = { forgetAfterMs: 10 * DAY, max: 2 };

  it('binds a session to an account, and rebinding moves it', () => {
    const g = graphOf({}, { sessions: SESSIONS });
    const [a, b] = accounts(g, 2) as [number, number];
    assert.equal(g.accountOf('Bearer t1', T0), undefined);
    g.bind('Bearer t1', a, T0);
    assert.equal(g.accountOf('Bearer t1', T0), a);
    assert.equal(g.accountOf('Bearer t2', T0), undefined);
    g.bind('Bearer t1', b, T0);
    assert.equal(g.accountOf('Bearer t1', T0), b);
    assert.equal(g.stats().sessions, 1);
  });

  it('forgets a session unseen for forgetAfter; each use keeps it', () => {
    const g = graphOf({}, { sessions: SESSIONS });
    const [a] = accounts(g, 1) as [number];
    g.bind('Bearer used', a, T0);
    g.bind('Bearer idle', a, T0);
    assert.equal(g.accountOf('Bearer used', T0 + 9 * DAY), a);
    assert.equal(g.accountOf('Bearer used', T0 + 18 * DAY), a);
    assert.equal(g.accountOf('Bearer idle', T0 + 10 * DAY), undefined);
    assert.equal(g.accountOf('Bearer used', T0 + 28 * DAY), undefined);
  });

  it('at max forgets the least recently seen session', () => {
    const g = graphOf({}, { sessions: SESSIONS });
    const [a, b, c] = accounts(g, 3) as [number, number, number];
    g.bind('Bearer t1', a, T0);
    g.bind('Bearer t2', b, T0 + 1);
    // t1 is used after t2 was bound: t2 is the least recently seen.
    assert.equal(g.accountOf('Bearer t1', T0 + 2), a);
    g.bind('Bearer t3', c, T0 + 3);
    assert.equal(g.stats().sessions, 2);
    assert.equal(g.accountOf('Bearer t1', T0 + 4), a);
    assert.equal(g.accountOf('Bearer t2', T0 + 4), undefined);
    assert.equal(g.accountOf('Bearer t3', T0 + 4), c);
  });
});
