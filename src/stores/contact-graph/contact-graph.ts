/**
 * Who looked up whom, as the gateway sees it: the contact graph behind mutual-first reveals and
 * trust (issue 12; docs/design/contact-graph.md). It is the most sensitive data enumguard holds,
 * so it keeps only keyed fingerprints of numbers and sessions, bounded per account and in all,
 * and forgets accounts that stay quiet.
 *
 * Accounts are phone numbers, named by `fingerprint(number)`: 53 bits of a keyed hash. An
 * account's node holds the numbers it looked up (so a later lookup by one of them can ask "do
 * you hold my number?"), the numbers it was shown from its budget (shown again for free), and
 * its vouchers: anchored accounts found to hold its number. Its trust is how many vouchers it
 * has; it is anchored (its lookups vouch for others) when it is a seed or has `anchorAt` of them.
 * A ring of fake accounts that look each other up is mutual within the ring, but none of them
 * is anchored, so they vouch for nothing.
 */
export interface ContactGraph {
  readonly name: string;
  /** The keyed fingerprint of a normalized number (E.164). */
  fingerprint(number: string): number;
  /** The account a session was bound to, or undefined. `session` is the credential as presented. */
  accountOf(session: string, now: number): number | undefined | Promise<number | undefined>;
  /** Binds a session to an account (at registration). */
  bind(session: string, account: number, now: number): void | Promise<void>;
  /** What the graph knows about `account` and each of `targets` (fingerprints), for one lookup. */
  view(account: number, targets: readonly number[], now: number): GraphView | Promise<GraphView>;
  /** Records one answered lookup of `account`. */
  update(account: number, change: GraphChange, now: number): void | Promise<void>;
  /** Sizes, for metrics and the memory estimate. */
  stats(): GraphStats;
}

/** A target holds the caller's number: it looked the caller up. */
export const MUTUAL = 1;
/** The target is anchored: a seed, or vouched for by `anchorAt` anchored accounts. */
export const ANCHORED = 2;
/** The target was shown to the caller from its budget before. */
export const SHOWN = 4;
/** The target is one of the caller's vouchers already. */
export const VOUCHED = 8;

export interface GraphView {
  /** The caller's vouchers: anchored accounts known to hold its number. */
  readonly trust: number;
  /** Whether the caller itself is anchored: a seed, or vouched for by anchorAt accounts. */
  readonly anchored: boolean;
  /** Per target, in order: MUTUAL | ANCHORED | SHOWN | VOUCHED bits. */
  readonly flags: Uint8Array;
}

export interface GraphChange {
  /** Numbers the account looked up (kept up to the per-account bound). */
  readonly held: readonly number[];
  /** Anchored accounts found to hold the account's number. */
  readonly vouchers: readonly number[];
  /** Numbers revealed to the account from its budget. */
  readonly shown: readonly number[];
}

export interface GraphStats {
  readonly accounts: number;
  /** Numbers held, shown and vouchers, over all accounts. */
  readonly entries: number;
  readonly sessions: number;
  /** Bytes of the typed arrays that hold the entries. */
  readonly entryBytes: number;
}

/**
 * What a deployment knew before this graph started: the simulator's warm start (the accounts
 * that synced before the run). Consulted beside the graph's own nodes.
 */
export interface GraphHistory {
  /** Whether `holder` is known to hold `held`'s number. */
  holds(holder: number, held: number): boolean;
  /** Whether `account` was seen during the bootstrap (a seed). */
  isSeed(account: number): boolean;
}
