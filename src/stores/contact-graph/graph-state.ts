/**
 * The whole state of a memory contact graph as flat typed arrays: what its snapshot holds
 * (graph-snapshot.ts encodes it to bytes, graph-snapshot-file.ts to a file) and what a new graph
 * is created from (`createMemoryContactGraph({ restore })`).
 *
 * Nodes and sessions come least recently active first, so inserting them in order rebuilds the
 * order in which the graph's bounds forget them.
 */
export interface GraphState {
  /**
   * The fingerprints' key. Accounts, set members and sessions are keyed by it, so a restored
   * graph must use the same key or nothing restored would ever match again.
   */
  readonly seed: readonly [number, number];
  /**
   * When the graph began (epoch ms). Kept so the bootstrap window (accounts first seen within
   * `bootstrap` of it are seeds) is counted from the graph's birth, never reopened by a restart.
   */
  readonly createdAt: number;
  /** Clock time the state was taken at (epoch ms), for logs. */
  readonly savedAt: number;
  /** Number of nodes (accounts). */
  readonly nodes: number;
  /** Account fingerprints (53-bit integers), one per node. */
  readonly accounts: Float64Array;
  /** firstSeen, lastSeen (epoch ms) per node. */
  readonly times: Float64Array;
  /** Sizes of held, shown and vouchers per node; node i's members follow node i-1's. */
  readonly setSizes: Uint32Array;
  /** Set members (low 32 bits of fingerprints): per node held, shown, vouchers, each ascending. */
  readonly members: Uint32Array;
  /** Number of sessions. */
  readonly sessions: number;
  /** Session fingerprints (53-bit integers). */
  readonly sessionKeys: Float64Array;
  /** The account each session is bound to. */
  readonly sessionAccounts: Float64Array;
  /** When each session was last seen (epoch ms). */
  readonly sessionSeen: Float64Array;
}

/** Sets per node, in the order their sizes and members are laid out. */
export const SETS_PER_NODE = 3;
