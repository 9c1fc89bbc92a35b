// Public API of `enumguard`: the engine, the policy API, the pipeline and the memory store.
export * from './core/index.ts';
export * from './policy/index.ts';
export * from './pipeline/index.ts';
export { systemClock } from './runtime/system-clock.ts';
export { createMemoryStore, type MemoryStore, type MemoryStoreOptions } from './stores/memory-store.ts';
export {
  createResilientStore,
  type ResilientStore,
  type ResilientStoreOptions,
  type ResilientStoreStats,
  type StoreLogger,
} from './stores/resilient-store.ts';
export type { BreakerState } from './stores/circuit-breaker.ts';
export type { ConsumeOptions, RiskedOutcome, Store } from './stores/store.ts';
export { openPolicyStore } from './stores/open-policy-store.ts';
export type { PolicyStore, PolicyStoreLogger, PolicyStoreOptions } from './stores/policy-store-types.ts';
