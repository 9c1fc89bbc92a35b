import type { SortedSet32 } from '../../core/sorted-set32.ts';
import { SETS_PER_NODE, type GraphState } from './graph-state.ts';

/** One account of the memory graph. */
export interface GraphNode {
  readonly firstSeen: number;
  lastSeen: number;
  readonly held: SortedSet32;
  readonly shown: SortedSet32;
  readonly vouchers: SortedSet32;
}

/** One session of the memory graph: the account it is bound to. */
export interface GraphSession {
  readonly account: number;
  lastSeen: number;
}

export interface GraphMaps {
  readonly nodes: Map<number, GraphNode>;
  readonly sessions: Map<number, GraphSession>;
}

export interface GraphLifetimes {
  /** How long a node is kept unseen. */
  readonly nodeForgetAfterMs: number;
  /** How long a session is kept unseen. */
  readonly sessionForgetAfterMs: number;
}

/**
 * The live part of the graph at `now` as a GraphState, in Map order (least recently active
 * first). Entries that expired are left out: a snapshot never carries what the graph has
 * already forgotten.
 */
export function exportGraphState(
  maps: GraphMaps,
  lifetimes: GraphLifetimes,
  header: Pick<GraphState, 'seed' | 'createdAt'>,
  now: number,
): GraphState {
  const live: [number, GraphNode][] = [];
  let entries = 0;
  for (const pair of maps.nodes) {
    const node = pair[1];
    if (node.lastSeen + lifetimes.nodeForgetAfterMs <= now) continue;
    live.push(pair);
    entries += node.held.size + node.shown.size + node.vouchers.size;
  }
  const accounts = new Float64Array(live.length);
  const times = new Float64Array(2 * live.length);
  const setSizes = new Uint32Array(SETS_PER_NODE * live.length);
  const members = new Uint32Array(entries);
  let at = 0;
  live.forEach(([account, node], i) => {
    accounts[i] = account;
    times[2 * i] = node.firstSeen;
    times[2 * i + 1] = node.lastSeen;
    [node.held, node.shown, node.vouchers].forEach((set, k) => {
      setSizes[SETS_PER_NODE * i + k] = set.size;
      members.set(set.values.subarray(0, set.size), at);
      at += set.size;
    });
  });
  return {
    ...header,
    savedAt: now,
    nodes: live.length,
    accounts,
    times,
    setSizes,
    members,
    ...sessionsOf(maps, lifetimes, now),
  };
}

function sessionsOf(
  maps: GraphMaps,
  lifetimes: GraphLifetimes,
  now: number,
): Pick<GraphState, 'sessions' | 'sessionKeys' | 'sessionAccounts' | 'sessionSeen'> {
  const live: [number, GraphSession][] = [];
  for (const pair of maps.sessions) {
    if (pair[1].lastSeen + lifetimes.sessionForgetAfterMs > now) live.push(pair);
  }
  const sessionKeys = new Float64Array(live.length);
  const sessionAccounts = new Float64Array(live.length);
  const sessionSeen = new Float64Array(live.length);
  live.forEach(([key, session], i) => {
    sessionKeys[i] = key;
    sessionAccounts[i] = session.account;
    sessionSeen[i] = session.lastSeen;
  });
  return { sessions: live.length, sessionKeys, sessionAccounts, sessionSeen };
}

export interface GraphBounds {
  readonly maxAccounts: number;
  readonly maxSessions: number;
}

/**
 * Fills empty maps from a state. Only the most recently active `maxAccounts` nodes and
 * `maxSessions` sessions are kept, as the running graph's bounds would have kept them. A set's
 * members are views into the state's one `members` array (never written in place: adding to a
 * set makes a new array), so a restore copies no set.
 */
export function restoreGraphState(maps: GraphMaps, state: GraphState, bounds: GraphBounds): void {
  let at = 0;
  const skip = Math.max(0, state.nodes - bounds.maxAccounts);
  const set = (i: number, k: number): SortedSet32 => {
    const size = state.setSizes[SETS_PER_NODE * i + k] as number;
    const values = state.members.subarray(at, at + size);
    at += size;
    return { values, size };
  };
  for (let i = 0; i < state.nodes; i++) {
    const node: GraphNode = {
      firstSeen: state.times[2 * i] as number,
      lastSeen: state.times[2 * i + 1] as number,
      held: set(i, 0),
      shown: set(i, 1),
      vouchers: set(i, 2),
    };
    if (i >= skip) maps.nodes.set(state.accounts[i] as number, node);
  }
  for (let i = Math.max(0, state.sessions - bounds.maxSessions); i < state.sessions; i++) {
    const account = state.sessionAccounts[i] as number;
    maps.sessions.set(state.sessionKeys[i] as number, { account, lastSeen: state.sessionSeen[i] as number });
  }
}
