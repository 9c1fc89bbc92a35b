import { addSet32, bytesOfSet32, emptySet32, hasSet32 } from '../../core/sorted-set32.ts';
import type { ContactsConfig } from '../../policy/types.ts';
import { fingerprint as keyFingerprint, type Fingerprint } from '../fingerprint.ts';
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
import type { GraphState } from './graph-state.ts';
import {
  exportGraphState,
  restoreGraphState,
  type GraphNode,
  type GraphSession,
} from './memory-graph-state.ts';

/** Vouchers kept per account: trust past this is saturated, and no tier needs more. */
const MAX_VOUCHERS = 4096;

export interface MemoryContactGraphOptions {
  readonly config: Pick<
    ContactsConfig,
    'maxPerAccount' | 'maxAccounts' | 'forgetAfterMs' | 'bootstrapMs' | 'anchorAt'
  >;
  /** Sessions: how long one is remembered unseen, and how many. */
  readonly sessions: { readonly forgetAfterMs: number; readonly max: number };
  /** The fingerprints' key: random per deployment (a caller who knew it could pick collisions). */
  readonly seed: readonly [number, number];
  /** When the graph began (epoch ms): accounts first seen within bootstrapMs of it are seeds. */
  readonly createdAt: number;
  readonly history?: GraphHistory;
  /**
   * Nodes and sessions to start from (a snapshot's). Its `seed` and `createdAt` must be the
   * ones passed above: the fingerprints in it were made with that key.
   */
  readonly restore?: GraphState;
}

/** The memory graph: it answers at once (no promises), and gives its state to a snapshot. */
export interface MemoryContactGraph extends ContactGraph {
  accountOf(session: string, now: number): number | undefined;
  bind(session: string, account: number, now: number): void;
  view(account: number, targets: readonly number[], now: number): GraphView;
  update(account: number, change: GraphChange, now: number): void;
  /** When the graph began (epoch ms): the start of the bootstrap window. */
  readonly createdAt: number;
  /** The graph's live nodes and sessions at `now`, for a snapshot (expired ones left out). */
  exportState(now: number): GraphState;
}

/**
 * The contact graph in process. Nodes and sessions live in Maps kept in order of last write,
 * so the least recently active go first when a bound is reached; an entry unseen for
 * forgetAfter is dropped when next read. Sets are sorted Uint32Arrays of the fingerprints'
 * low 32 bits (a false "holds" for one pair in about 2^32 / set size).
 */
export function createMemoryContactGraph(options: MemoryContactGraphOptions): MemoryContactGraph {
  const { config, history } = options;
  const [seedA, seedB] = options.seed;
  const nodes = new Map<number, GraphNode>();
  const sessions = new Map<number, GraphSession>();
  if (options.restore !== undefined) {
    const bounds = { maxAccounts: config.maxAccounts, maxSessions: options.sessions.max };
    restoreGraphState({ nodes, sessions }, options.restore, bounds);
  }
  const fp: Fingerprint = { a: 0, b: 0 };
  const bootstrapEnd = options.createdAt + config.bootstrapMs;

  const hash = (text: string): number => {
    keyFingerprint(text, seedA, seedB, fp);
    // 53 bits: a safe integer, and `x >>> 0` is its low 32 bits.
    return (fp.a >>> 0) * 2 ** 21 + (fp.b >>> 11);
  };

  const live = (account: number, now: number): GraphNode | undefined => {
    const node = nodes.get(account);
    if (node === undefined) return undefined;
    if (node.lastSeen + config.forgetAfterMs > now) return node;
    nodes.delete(account);
    return undefined;
  };

  const anchored = (account: number, node: GraphNode | undefined): boolean =>
    (node !== undefined && (node.firstSeen < bootstrapEnd || node.vouchers.size >= config.anchorAt)) ||
    (history?.isSeed(account) ?? false);

  const touch = (account: number, now: number): GraphNode => {
    let node = live(account, now);
    if (node === undefined) {
      node = {
        firstSeen: now,
        lastSeen: now,
        held: emptySet32(),
        shown: emptySet32(),
        vouchers: emptySet32(),
      };
      while (nodes.size >= config.maxAccounts) nodes.delete(nodes.keys().next().value as number);
    } else nodes.delete(account);
    node.lastSeen = now;
    nodes.set(account, node);
    return node;
  };

  return {
    name: 'memory',
    createdAt: options.createdAt,
    exportState: (now) =>
      exportGraphState(
        { nodes, sessions },
        { nodeForgetAfterMs: config.forgetAfterMs, sessionForgetAfterMs: options.sessions.forgetAfterMs },
        { seed: [seedA, seedB], createdAt: options.createdAt },
        now,
      ),
    fingerprint: (number) => hash(`n:${number}`),

    accountOf(session, now) {
      const key = hash(`s:${session}`);
      const entry = sessions.get(key);
      if (entry === undefined) return undefined;
      if (entry.lastSeen + options.sessions.forgetAfterMs <= now) {
        sessions.delete(key);
        return undefined;
      }
      entry.lastSeen = now;
      // Moved to the end, so the bound forgets the least recently seen session, not the oldest bound.
      sessions.delete(key);
      sessions.set(key, entry);
      return entry.account;
    },

    bind(session, account, now) {
      const key = hash(`s:${session}`);
      sessions.delete(key);
      while (sessions.size >= options.sessions.max) sessions.delete(sessions.keys().next().value as number);
      sessions.set(key, { account, lastSeen: now });
    },

    view(account, targets, now) {
      const own = live(account, now);
      const low = account >>> 0;
      const flags = new Uint8Array(targets.length);
      for (let i = 0; i < targets.length; i++) {
        const target = targets[i] as number;
        const node = live(target, now);
        let f = 0;
        if ((node !== undefined && hasSet32(node.held, low)) || (history?.holds(target, account) ?? false))
          f |= MUTUAL;
        if (anchored(target, node)) f |= ANCHORED;
        if (own !== undefined) {
          if (hasSet32(own.shown, target >>> 0)) f |= SHOWN;
          if (hasSet32(own.vouchers, target >>> 0)) f |= VOUCHED;
        }
        flags[i] = f;
      }
      return { trust: own?.vouchers.size ?? 0, anchored: anchored(account, own), flags };
    },

    update(account, change, now) {
      const node = touch(account, now);
      addSet32(node.held, change.held, config.maxPerAccount);
      addSet32(node.shown, change.shown, config.maxPerAccount);
      addSet32(node.vouchers, change.vouchers, MAX_VOUCHERS);
    },

    stats() {
      let entries = 0;
      let entryBytes = 0;
      for (const node of nodes.values()) {
        entries += node.held.size + node.shown.size + node.vouchers.size;
        entryBytes += bytesOfSet32(node.held) + bytesOfSet32(node.shown) + bytesOfSet32(node.vouchers);
      }
      return { accounts: nodes.size, entries, sessions: sessions.size, entryBytes };
    },
  };
}
