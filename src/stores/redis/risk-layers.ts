import { readRiskLayers } from '../risk-reading.ts';
import type { RiskLayer, RiskLookup, RiskReading } from '../store.ts';
import { COHORT, IDENTITY, PREFIX, type RawRiskRecord } from './consume-args.ts';
import type { StoreContext } from './store-context.ts';

/** The risk keys of a lookup, in layer order: identity, prefix, cohort (the last only with an identity). */
export function riskLayers(
  ctx: StoreContext,
  risk: RiskLookup | undefined,
): { mask: number; keys: string[]; cohort: string; identityTag: string } | undefined {
  if (risk === undefined) return undefined;
  const { names } = ctx;
  const prefixKey = names.risk(names.tag(`p|${risk.prefix}`));
  if (risk.identity === undefined) return { mask: PREFIX, keys: [prefixKey], cohort: '', identityTag: '' };
  const identityTag = names.tag(`i|${risk.identity}`);
  if (risk.spareNetwork === true)
    return { mask: IDENTITY, keys: [names.risk(identityTag)], cohort: '', identityTag };
  const cohort = ctx.cohortOf(identityTag, risk.prefix);
  return {
    mask: IDENTITY | PREFIX | COHORT,
    keys: [names.risk(identityTag), prefixKey, names.risk(cohort)],
    cohort,
    identityTag,
  };
}

/** The reading from the records a script answered, by the memory store's own code. */
export function readingOf(
  ctx: StoreContext,
  risk: RiskLookup,
  identityTag: string,
  records: readonly (RawRiskRecord | undefined)[],
  now: number,
): RiskReading {
  const found: [RiskLayer, RawRiskRecord | undefined][] = [];
  if (risk.identity === undefined) found.push(['ipPrefix', records[0]]);
  else if (risk.spareNetwork === true) found.push(['identity', records[0]]);
  else {
    const id = records[0];
    if (id !== undefined) ctx.learnCohort(identityTag, risk.prefix, id.cohort);
    found.push(['identity', id], ['ipPrefix', records[1]], ['cohort', records[2]]);
  }
  return readRiskLayers(risk.model, found, now, risk.shadow);
}
