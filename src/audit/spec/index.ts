export { auditLoadedSpec, auditSpec, sortFindings, specFacts } from './audit-spec.ts';
export type { AuthFlow, IdentifierInput, OperationFacts } from './facts.ts';
export { loadSpec, type LoadedSpec } from './load-spec.ts';
export { listOperations, type SpecOperation } from './operations.ts';
export { SPEC_RULES } from './spec-rules.ts';
