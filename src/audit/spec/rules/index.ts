export { batchRule, LARGE_BATCH } from './batch.ts';
export { existenceRule } from './existence.ts';
export { no429Rule } from './no-429.ts';
export { noAuthRule } from './no-auth.ts';
export { noRateLimitHeadersRule } from './no-ratelimit-headers.ts';
export { oracleRule } from './oracle.ts';
export { profileRule } from './profile.ts';
export { seqIdRule } from './seq-id.ts';
export { subjectOf, type RuleContext, type SpecRule } from './rule-kit.ts';
