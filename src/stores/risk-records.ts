import type { RiskState } from '../core/risk.ts';
import { EnumguardError } from '../core/errors.ts';
import type { RiskSubject } from './risk-subject.ts';

/**
 * A risk record, as the memory store's risk table (risk-table.ts) keeps it, and the records'
 * flat form, the one a snapshot holds (snapshot.ts writes it, format version 3): copying the
 * table's records out least recently used first, and checking saved ones on the way back in.
 * Records are keyed by a 64-bit keyed fingerprint, kept as a four-character Map key (mapKey).
 */
export interface RiskRecord {
  state: RiskState;
  /** Score from shadow rules only: logged, never enforced. */
  shadow: RiskState;
  firstSeen: number;
  /** The cohort's map key (see mapKey) of an identity record. */
  cohort: string | undefined;
  /**
   * Whom the record is about, learnt when a signal or an operator reaches it (the admin API's
   * name for it: an identity's tag, a network's prefix); kept in snapshots since version 3.
   */
  subject: RiskSubject | undefined;
}

/**
 * Risk records as flat arrays, least recently used first: what a snapshot holds of the table.
 * Fingerprints only; (0, 0) is never a record's fingerprint, so it marks "no cohort".
 */
export interface RiskRecords {
  readonly count: number;
  /** (a, b) per record. */
  readonly fingerprints: Int32Array;
  /** RISK_STRIDE numbers per record: state (score, at, blocks, blockedUntil), shadow (the same), firstSeen. */
  readonly states: Float64Array;
  /** (a, b) of the record's cohort, (0, 0) for none: only identity records have one. */
  readonly cohorts: Int32Array;
  /**
   * Each record's subject, when it has one (snapshot version 3), so the admin API lists a block
   * right after a restart; absent from version 2 snapshots.
   */
  readonly labels?: readonly (RiskSubject | undefined)[];
}

export const RISK_STRIDE = 9;

export const NO_RISK_RECORDS: RiskRecords = Object.freeze({
  count: 0,
  fingerprints: new Int32Array(0),
  states: new Float64Array(0),
  cohorts: new Int32Array(0),
  labels: Object.freeze([]),
});

/**
 * A 64-bit fingerprint as a Map key: four UTF-16 code units, so the Map hashes 4 characters
 * rather than a token, and the pair is recovered exactly for a snapshot.
 */
export function mapKey(a: number, b: number): string {
  return String.fromCharCode(a & 0xffff, a >>> 16, b & 0xffff, b >>> 16);
}

function writePair(key: string, out: Int32Array, at: number): void {
  out[at] = key.charCodeAt(0) | (key.charCodeAt(1) << 16);
  out[at + 1] = key.charCodeAt(2) | (key.charCodeAt(3) << 16);
}

/** Copies the records out in the map's order (the table keeps it least recently used first). */
export function exportRiskRecords(records: ReadonlyMap<string, RiskRecord>): RiskRecords {
  const count = records.size;
  const fingerprints = new Int32Array(2 * count);
  const states = new Float64Array(RISK_STRIDE * count);
  const cohorts = new Int32Array(2 * count);
  const labels = new Array<RiskSubject | undefined>(count);
  let i = 0;
  // Map order is insertion order and a touch re-inserts: least recently used first.
  for (const [key, record] of records) {
    writePair(key, fingerprints, 2 * i);
    writeState(record, states, RISK_STRIDE * i);
    if (record.cohort !== undefined) writePair(record.cohort, cohorts, 2 * i);
    labels[i] = record.subject;
    i++;
  }
  return { count, fingerprints, states, cohorts, labels };
}

/**
 * Hands each saved record to `add` by its map key, in order. Throws ERR_SNAPSHOT_INVALID on
 * arrays that disagree with `count` (before any record is added), and at a record whose
 * fingerprint is (0, 0) or repeats an earlier one.
 */
export function restoreRiskRecords(
  { count, fingerprints, states, cohorts, labels }: RiskRecords,
  add: (key: string, record: RiskRecord) => void,
): void {
  const bad = (what: string): EnumguardError => new EnumguardError('ERR_SNAPSHOT_INVALID', what);
  if (
    fingerprints.length !== 2 * count ||
    states.length !== RISK_STRIDE * count ||
    cohorts.length !== 2 * count ||
    (labels !== undefined && labels.length !== count)
  ) {
    throw bad(`the state's risk arrays do not hold ${count} records`);
  }
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) {
    const a = fingerprints[2 * i] as number;
    const b = fingerprints[2 * i + 1] as number;
    if (a === 0 && b === 0)
      throw bad(`risk record ${i} has the fingerprint (0, 0), which no record can have`);
    const key = mapKey(a, b);
    if (seen.has(key)) throw bad(`risk record ${i}'s fingerprint appears twice in the state`);
    seen.add(key);
    const ca = cohorts[2 * i] as number;
    const cb = cohorts[2 * i + 1] as number;
    const cohort = ca === 0 && cb === 0 ? undefined : mapKey(ca, cb);
    add(key, { ...readState(states, RISK_STRIDE * i), cohort, subject: labels?.[i] });
  }
}

function writeState(record: RiskRecord, out: Float64Array, at: number): void {
  const { state, shadow } = record;
  out[at] = state.score;
  out[at + 1] = state.at;
  out[at + 2] = state.blocks;
  out[at + 3] = state.blockedUntil;
  out[at + 4] = shadow.score;
  out[at + 5] = shadow.at;
  out[at + 6] = shadow.blocks;
  out[at + 7] = shadow.blockedUntil;
  out[at + 8] = record.firstSeen;
}

function readState(s: Float64Array, at: number): Omit<RiskRecord, 'cohort' | 'subject'> {
  const n = (i: number): number => s[at + i] as number;
  return {
    state: { score: n(0), at: n(1), blocks: n(2), blockedUntil: n(3) },
    shadow: { score: n(4), at: n(5), blocks: n(6), blockedUntil: n(7) },
    firstSeen: n(8),
  };
}
