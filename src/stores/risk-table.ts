import type { RiskModel, RiskAction, RiskState } from '../core/risk.ts';
import { riskLevelRank } from '../core/risk-config.ts';
import type { RiskLayer, RiskLookup, RiskReading, RiskSignal } from './store.ts';

/**
 * Risk scores by key, for the memory store: one record per identity, IP prefix and cohort
 * (the prefix an identity was first seen from). An identity's record also keeps when it was
 * first seen, which is its age for ramped quotas and its cohort.
 *
 * Bounded: a Map in least-recently-used order (a touched record is moved to the end), and
 * past `maxRecords` the oldest goes. A forgotten record is an identity with no history: the
 * same as one whose score decayed, which is why the bound may be small.
 */
interface RiskRecord {
  state: RiskState;
  /** Score from shadow rules only: logged, never enforced. */
  shadow: RiskState;
  firstSeen: number;
  /** The cohort key of an identity record. */
  cohort: string | undefined;
}

const EMPTY: RiskState = Object.freeze({ score: 0, at: 0, blocks: 0, blockedUntil: 0 });
const NONE_ACTION: RiskAction = Object.freeze({ level: 'none', quotaFactor: 1 });

export interface RiskTable {
  /** The response at `now` for the lookup's layers; records an unseen identity's first sight. */
  read(lookup: RiskLookup, now: number): RiskReading;
  /** Adds the signal to every layer by its share, then reads again. */
  signal(lookup: RiskLookup, signal: RiskSignal, now: number): RiskReading;
  size(): number;
  clear(): void;
}

export function createRiskTable(maxRecords: number): RiskTable {
  const records = new Map<string, RiskRecord>();

  function touch(key: string, now: number, create: boolean): RiskRecord | undefined {
    let record = records.get(key);
    if (record !== undefined) {
      records.delete(key);
      records.set(key, record);
      return record;
    }
    if (!create) return undefined;
    record = { state: EMPTY, shadow: EMPTY, firstSeen: now, cohort: undefined };
    records.set(key, record);
    if (records.size > maxRecords) {
      const oldest = records.keys().next().value as string;
      records.delete(oldest);
    }
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
      const id = touch(`i|${lookup.identity}`, now, true) as RiskRecord;
      id.cohort ??= `c|${lookup.prefix}`;
      cohort = id.cohort;
      out.push(['identity', id]);
    }
    out.push(['ipPrefix', touch(`p|${lookup.prefix}`, now, create)]);
    if (cohort !== undefined) out.push(['cohort', touch(cohort, now, create)]);
    return out;
  }

  function readLayers(
    model: RiskModel,
    found: [RiskLayer, RiskRecord | undefined][],
    now: number,
    shadow: boolean,
  ): RiskReading {
    let enforced = NONE_ACTION;
    let wouldBe = NONE_ACTION;
    let shadowWouldBe = NONE_ACTION;
    let layer: RiskLayer | undefined;
    let score = 0;
    let ageMs = 0;
    for (const [name, record] of found) {
      if (record === undefined) continue;
      if (name === 'identity') ageMs = Math.max(0, now - record.firstSeen);
      const r = model.respond(record.state, now, shadow);
      if (name === 'identity' || (layer === undefined && score === 0)) score = r.score;
      if (riskLevelRank(r.enforced.level) > riskLevelRank(enforced.level)) {
        enforced = r.enforced;
        layer = name;
      }
      if (riskLevelRank(r.wouldBe.level) > riskLevelRank(wouldBe.level)) wouldBe = r.wouldBe;
      const s = model.respond(record.shadow, now, true);
      if (riskLevelRank(s.wouldBe.level) > riskLevelRank(shadowWouldBe.level)) shadowWouldBe = s.wouldBe;
    }
    return { enforced, wouldBe, shadowWouldBe, layer, score, ageMs };
  }

  return {
    read(lookup, now) {
      return readLayers(lookup.model, layers(lookup, now, false), now, lookup.shadow);
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
        if (ownBlocked && name !== 'identity') continue;
        const weight = signal.weight * signal.layers[name];
        if (record === undefined || !(weight > 0)) continue;
        // Shadow rules (and a policy in shadow) score only the shadow state, which starts
        // no blocks; a policy in shadow also scores the real state without blocking.
        if (signal.shadow || lookup.shadow) record.shadow = model.addSignal(record.shadow, weight, now, true);
        if (!signal.shadow) record.state = model.addSignal(record.state, weight, now, lookup.shadow);
      }
      return readLayers(model, found, now, lookup.shadow);
    },
    size: () => records.size,
    clear: () => records.clear(),
  };
}
