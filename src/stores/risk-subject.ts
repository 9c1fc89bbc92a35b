import { createHash } from 'node:crypto';
import type { RiskModel } from '../core/risk.ts';

/**
 * Whom the admin API names in the risk tables: an identity by its tag (a digest, never the raw
 * key, which may be a bearer token) or a network by its prefix ("198.51.100.0/24", an IPv6 /64).
 * Sign-up cohorts are kept by the stores but are not subjects an operator acts on.
 */
export type RiskSubject =
  { readonly kind: 'identity'; readonly tag: string } | { readonly kind: 'network'; readonly prefix: string };

/** One subject's risk as the admin API lists it. */
export interface RiskEntry {
  readonly subject: RiskSubject;
  /** The score decayed to the store's now. */
  readonly score: number;
  /** When its block ends (ms since the epoch); 0 when it is not blocked now. */
  readonly blockedUntil: number;
  /** Blocks still remembered (each escalates the next). */
  readonly blocks: number;
}

/**
 * The operator's side of the risk tables (issue 14), on every store the gateway runs: the
 * riskiest subjects, the blocks in force, and blocking or lifting one. Records stay keyed by
 * their keyed fingerprints; a record learns its subject (tag or prefix) when a signal or an
 * operator reaches it, so a record only ever seen, never scored, is not listed.
 *
 * These run on the admin path, not the request path: they may scan every record.
 */
export interface StoreAdmin {
  /** The `limit` subjects with the highest scores now (score above 0 or blocked), highest first. */
  top(model: RiskModel, limit: number): Promise<readonly RiskEntry[]>;
  /** The subjects blocked now, the soonest to end first. */
  blocks(model: RiskModel): Promise<readonly RiskEntry[]>;
  /**
   * Blocks the subject for `durationMs` from now (a longer block in force is kept). A network
   * gets a record if it has none; an identity must have one (its tag cannot be reversed into
   * its key): undefined when none carries that tag.
   */
  block(model: RiskModel, subject: RiskSubject, durationMs: number): Promise<RiskEntry | undefined>;
  /** Clears the subject's block, score and block memory; false when no record carries it. */
  lift(model: RiskModel, subject: RiskSubject): Promise<boolean>;
}

/**
 * An identity's tag: the first 12 hex digits of SHA-256 of its key, the name the log, the
 * events and the admin API give it. The store labels its records with it, so an operator can
 * act on a caller the log named without ever seeing its key.
 */
export function identityTag(identityKey: string): string {
  return createHash('sha256').update(identityKey).digest('hex').slice(0, 12);
}

export function sameSubject(a: RiskSubject, b: RiskSubject): boolean {
  return a.kind === 'identity'
    ? b.kind === 'identity' && a.tag === b.tag
    : b.kind === 'network' && a.prefix === b.prefix;
}

/** Highest score first (a block outranks any score), then by name so the order is stable. */
export function byRisk(a: RiskEntry, b: RiskEntry): number {
  const blocked = Number(b.blockedUntil > 0) - Number(a.blockedUntil > 0);
  if (blocked !== 0) return blocked;
  if (b.score !== a.score) return b.score - a.score;
  return subjectName(a.subject) < subjectName(b.subject) ? -1 : 1;
}

export function subjectName(s: RiskSubject): string {
  return s.kind === 'identity' ? `identity:${s.tag}` : `network:${s.prefix}`;
}
