import {
  batchRule,
  existenceRule,
  no429Rule,
  noAuthRule,
  noRateLimitHeadersRule,
  oracleRule,
  profileRule,
  seqIdRule,
  type SpecRule,
} from './rules/index.ts';

/** Every rule `audit spec` runs, in the order reports list them. */
export const SPEC_RULES: readonly SpecRule[] = [
  oracleRule,
  batchRule,
  profileRule,
  no429Rule,
  noRateLimitHeadersRule,
  noAuthRule,
  seqIdRule,
  existenceRule,
];
