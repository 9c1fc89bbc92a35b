import type { RiskModel, RiskState } from '../core/risk.ts';
import { fingerprint, type Fingerprint } from './fingerprint.ts';
import {
  exportRiskRecords,
  mapKey,
  restoreRiskRecords,
  type RiskRecord,
  type RiskRecords,
} from './risk-records.ts';
import { readRiskLayers } from './risk-reading.ts';
import { identityTag, type RiskSubject } from './risk-subject.ts';
import type { RiskLayer, RiskLookup, RiskReading, RiskSignal } from './store.ts';

const EMPTY: RiskState = Object.freeze({ score: 0, at: 0, blocks: 0, blockedUntil: 0 });
/** Oldest records looked at for one at rest before a newcomer goes to the overflow record. */
const EVICT_STEPS = 64;

/**
 * Risk scores by key, for the memory store: one record per identity, IP prefix and cohort
 * (the prefix an identity was first seen from). An identity's record also keeps when it was
 * first seen, which is its age for ramped quotas and its cohort.
 *
 * Records are keyed by the 64-bit keyed fingerprint of their key text ("i|<identity>",
 * "p|<prefix>", "c|<prefix>"), as the limiter keys are: an identity may be a bearer token, and
 * neither the table nor a snapshot of it should hold one in clear. A collision (about n² / 2⁶⁵
 * for n records) merges two records' scores, which can only make the pair stricter.
 *
 * Bounded: a Map in least-recently-used order (a touched record is moved to the end). Past
 * `maxRecords` only a record at rest goes (issue 13, item 1): its score decayed below any
 * threshold, its block and the memory of its blocks lapsed, and for an identity its cohort
 * at rest too. Forgetting such a record can only make its owner stricter (an account seen
 * again is new, and young accounts get the smallest ramp). Evicting a hot record would unblock
 * or forgive whoever flooded the table, so when none of the oldest EVICT_STEPS is at rest, the
 * newcomer shares its layer's overflow record: signals for records the table could not keep add
 * up there, a layer without a record reads it, and a record created later starts from it. An
 * identity on the overflow record counts as first seen now (age 0) in its current network.
 *
 * A record's shape and its flat snapshot form are in risk-records.ts; how the layers' records
 * make one reading is in risk-reading.ts, which the Redis store shares.
 */
export interface RiskTable {
  /** The response at `now` for the lookup's layers; records an unseen identity's first sight. */
  read(lookup: RiskLookup, now: number): RiskReading;
  /** Adds the signal to every layer by its share, then reads again. */
  signal(lookup: RiskLookup, signal: RiskSignal, now: number): RiskReading;
  size(): number;
  /** Lookups that found the table full of records not at rest and used an overflow record. */
  overflowed(): number;
  clear(): void;
  /** The records that know their subject (identities and networks a signal or an operator reached). */
  labelled(): IterableIterator<RiskRecord & { subject: RiskSubject }>;
  /**
   * The subject's record: a network's by its prefix (made when `create`), an identity's by a
   * search for its tag (never made: a tag cannot be turned back into the key). Undefined when
   * there is none, or when the table is full and none of its oldest records is at rest.
   */
  forSubject(subject: RiskSubject, model: RiskModel, now: number, create: boolean): RiskRecord | undefined;
  /** Copies the records out, least recently used first. */
  exportRecords(): RiskRecords;
  /**
   * Inserts saved records in order, as if each were touched in turn: under a smaller bound the
   * oldest go and the most recent stay. Throws ERR_SNAPSHOT_INVALID on inconsistent arrays.
   */
  restoreRecords(records: RiskRecords): void;
}

/** `seed` is the store's fingerprint seed pair: a restored table must use the saved one. */
export function createRiskTable(maxRecords: number, seed: readonly [number, number]): RiskTable {
  const records = new Map<string, RiskRecord>();
  const [seedA, seedB] = seed;
  const fp: Fingerprint = { a: 0, b: 0 };

  /** The map key of a record's key text. */
  function keyOf(text: string): string {
    fingerprint(text, seedA, seedB, fp);
    // (0, 0) marks "no cohort" in a snapshot; the one text that hashes to it shares (0, 1)'s record.
    return mapKey(fp.a, fp.a === 0 && fp.b === 0 ? 1 : fp.b);
  }

  /** Restore only: past the bound the least recently used goes, as the state was saved. */
  function addRestored(key: string, record: RiskRecord): void {
    records.set(key, record);
    if (records.size > maxRecords) {
      const oldest = records.keys().next().value as string;
      records.delete(oldest);
    }
  }

  // firstSeen: Infinity reads as age 0: an identity the table could not keep is a new one.
  const overflow: Record<RiskLayer, RiskRecord> = {
    identity: emptyRecord(Infinity),
    ipPrefix: emptyRecord(0),
    cohort: emptyRecord(0),
  };
  let overflowed = 0;

  function atRest(record: RiskRecord, model: RiskModel, now: number): boolean {
    return model.expiresAt(record.state) <= now && model.expiresAt(record.shadow) <= now;
  }

  /** Frees room for one record by evicting one at rest; false when none of the oldest is. */
  function makeRoom(model: RiskModel, now: number): boolean {
    let steps = 0;
    for (const [key, record] of records) {
      if (steps++ >= EVICT_STEPS) return false;
      if (!atRest(record, model, now)) continue;
      const cohort = record.cohort === undefined ? undefined : records.get(record.cohort);
      if (cohort !== undefined && !atRest(cohort, model, now)) continue;
      records.delete(key);
      return true;
    }
    return false;
  }

  /** The layer's record, created (from the overflow record's state) when `create`; the overflow record when full. */
  function touch(
    key: string,
    layer: RiskLayer,
    lookup: RiskLookup,
    now: number,
    create: boolean,
  ): RiskRecord | undefined {
    let record = records.get(key);
    if (record !== undefined) {
      records.delete(key);
      records.set(key, record);
      return record;
    }
    const shared = overflow[layer];
    if (!create) return atRest(shared, lookup.model, now) ? undefined : shared;
    if (records.size >= maxRecords && !makeRoom(lookup.model, now)) {
      overflowed++;
      return shared;
    }
    record = {
      state: shared.state,
      shadow: shared.shadow,
      firstSeen: now,
      cohort: undefined,
      subject: undefined,
    };
    records.set(key, record);
    return record;
  }

  /**
   * The identity's, prefix's and cohort's records. The identity's is made on first sight (its
   * age starts then); the others only when a signal reaches them (`create`).
   */
  function layers(lookup: RiskLookup, now: number, create: boolean): [RiskLayer, RiskRecord | undefined][] {
    const out: [RiskLayer, RiskRecord | undefined][] = [];
    let cohort: string | undefined;
    if (lookup.identity !== undefined) {
      const id = touch(keyOf(`i|${lookup.identity}`), 'identity', lookup, now, true) as RiskRecord;
      if (lookup.spareNetwork === true) return [['identity', id]];
      // The overflow record, shared by every identity the table could not keep, has no
      // cohort of its own: each such identity is first seen now, here.
      if (id === overflow.identity) cohort = keyOf(`c|${lookup.prefix}`);
      else cohort = id.cohort ??= keyOf(`c|${lookup.prefix}`);
      out.push(['identity', id]);
    }
    out.push(['ipPrefix', touch(keyOf(`p|${lookup.prefix}`), 'ipPrefix', lookup, now, create)]);
    if (cohort !== undefined) out.push(['cohort', touch(cohort, 'cohort', lookup, now, create)]);
    return out;
  }

  return {
    read(lookup, now) {
      return readRiskLayers(lookup.model, layers(lookup, now, false), now, lookup.shadow);
    },
    signal(lookup, signal, now) {
      const { model } = lookup;
      const found = layers(lookup, now, true);
      // An identity already blocked adds nothing more to its networks: one account retrying
      // a refused request (or one false positive) must not pump a shared prefix, behind
      // which may be a whole carrier-grade NAT, up to a block.
      const own = found[0]?.[0] === 'identity' ? found[0][1] : undefined;
      const ownBlocked = own !== undefined && now < own.state.blockedUntil;
      for (const [name, record] of found) {
        if (record !== undefined && record.subject === undefined && record !== overflow[name]) {
          if (name === 'identity' && lookup.identity !== undefined) {
            record.subject = { kind: 'identity', tag: identityTag(lookup.identity) };
          } else if (name === 'ipPrefix') record.subject = { kind: 'network', prefix: lookup.prefix };
        }
        if (ownBlocked && name !== 'identity') continue;
        const weight = signal.weight * signal.layers[name];
        if (record === undefined || !(weight > 0)) continue;
        // Shadow rules (and a policy in shadow) score only the shadow state, which starts
        // no blocks; a policy in shadow also scores the real state without blocking.
        if (signal.shadow || lookup.shadow) record.shadow = model.addSignal(record.shadow, weight, now, true);
        if (!signal.shadow) record.state = model.addSignal(record.state, weight, now, lookup.shadow);
      }
      return readRiskLayers(model, found, now, lookup.shadow);
    },
    *labelled() {
      for (const record of records.values()) {
        if (record.subject !== undefined) yield record as RiskRecord & { subject: RiskSubject };
      }
    },
    forSubject(subject, model, now, create) {
      if (subject.kind === 'identity') {
        for (const record of records.values()) {
          const s = record.subject;
          if (s?.kind === 'identity' && s.tag === subject.tag) return record;
        }
        return undefined;
      }
      const key = keyOf(`p|${subject.prefix}`);
      const found = records.get(key);
      if (found !== undefined || !create) return found;
      if (records.size >= maxRecords && !makeRoom(model, now)) return undefined;
      const record = { ...emptyRecord(now), subject };
      records.set(key, record);
      return record;
    },
    size: () => records.size,
    overflowed: () => overflowed,
    clear: () => {
      records.clear();
      for (const record of Object.values(overflow)) {
        record.state = EMPTY;
        record.shadow = EMPTY;
      }
    },
    exportRecords: () => exportRiskRecords(records),
    restoreRecords: (saved) => restoreRiskRecords(saved, addRestored),
  };
}

function emptyRecord(firstSeen: number): RiskRecord {
  return { state: EMPTY, shadow: EMPTY, firstSeen, cohort: undefined, subject: undefined };
}
