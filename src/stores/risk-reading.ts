import type { RiskModel, RiskAction, RiskState } from '../core/risk.ts';
import { riskLevelRank } from '../core/risk-config.ts';
import type { RiskLayer, RiskReading } from './store.ts';

/**
 * Reading a request's risk from its layers' records: the one rule the memory store's risk table
 * and the Redis store both apply to what they hold, so both answer a lookup alike.
 */

const NONE_ACTION: RiskAction = Object.freeze({ level: 'none', quotaFactor: 1 });

/** What a reading needs of a record: its states and, for an identity, when it was first seen. */
export interface RiskLayerRecord {
  readonly state: RiskState;
  readonly shadow: RiskState;
  readonly firstSeen: number;
}

/**
 * The reading for a request's layers (identity, ipPrefix, cohort, in that order; a layer
 * without a record is undefined). Shared by the memory and Redis stores, so both answer alike.
 */
export function readRiskLayers(
  model: RiskModel,
  found: readonly (readonly [RiskLayer, RiskLayerRecord | undefined])[],
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
