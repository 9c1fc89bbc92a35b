export { resolveEgressConfig, EGRESS_DEFAULTS, type EgressConfig } from './config.ts';
export { createEgressFilter, type EgressFilter, type EgressStats } from './egress-filter.ts';
export { egressTransform } from './egress-stream.ts';
