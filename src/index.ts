// The public API of `enumguard`, listed name by name: what a user of the library calls or names in
// a type. Everything else is internal and may change without notice. src/index.test.ts pins this
// list; adding a name is a decision, made there too. The other entry points: enumguard/node,
// enumguard/express, enumguard/fastify, enumguard/hono (middleware), enumguard/redis (the Redis
// store) and enumguard/testing (the Store contract suite, for anyone writing a store).

// Policy: compile (YAML text or a typed object), load from a file, hot-reload.
export { compilePolicy, type CompileOptions } from './policy/compile.ts';
export { loadPolicy } from './policy/load.ts';
export {
  watchPolicy,
  type PolicyWatcher,
  type PolicyWatchLogger,
  type WatchPolicyOptions,
} from './policy/watch.ts';
export { PolicyError, type PolicyIssue } from './policy/issues.ts';
export type { PolicyInput } from './policy/schema.ts';
export type { CompiledLimit, CompiledPolicy, CompiledRoute } from './policy/types.ts';

// The pipeline: transport-free request handling, for a transport of your own.
export {
  createPipeline,
  type Pipeline,
  type PipelineLogger,
  type PipelineOptions,
  type Upstream,
} from './pipeline/pipeline.ts';
export type {
  Admission,
  Caller,
  HeaderMap,
  PlainRequest,
  PlainResponse,
  ResponseOutcome,
  ResponsePlan,
} from './pipeline/types.ts';
export { PROBLEM_HEADER } from './pipeline/problem.ts';
export { PROBLEM_CODES, type ProblemCode } from './pipeline/problem-codes.ts';

// Decisions: data, never exceptions.
export { DECISION_REASONS, type Decision, type DecisionReason } from './core/decision.ts';
export { RISK_LEVELS, type RiskLevel } from './core/risk-config.ts';

// Stores: the one the policy describes, or one assembled by hand; the contract a store implements.
export { openPolicyStore } from './stores/open-policy-store.ts';
export type { PolicyStore, PolicyStoreLogger, PolicyStoreOptions } from './stores/policy-store-types.ts';
export { createMemoryStore, type MemoryStore, type MemoryStoreOptions } from './stores/memory-store.ts';
export {
  createResilientStore,
  type ResilientStore,
  type ResilientStoreOptions,
  type ResilientStoreStats,
  type StoreLogger,
} from './stores/resilient-store.ts';
export type { BreakerState } from './stores/circuit-breaker.ts';
export type {
  ConsumeOptions,
  RiskedOutcome,
  RiskLayer,
  RiskLookup,
  RiskReading,
  RiskSignal,
  Store,
} from './stores/store.ts';
export type { RiskEntry, RiskSubject, StoreAdmin } from './stores/risk-subject.ts';
export type {
  AlgorithmName,
  BatchOutcome,
  LimitCheck,
  LimitOutcome,
  LimitSpec,
  UnavailableMode,
} from './core/limit.ts';

// The limiting algorithms as pure steps (spec, state, cost, now) → result.
export { ALGORITHMS } from './core/limit.ts';
export type { Step, StepResult } from './core/limit.ts';
export { gcraStep } from './core/gcra.ts';
export { slidingWindowStep } from './core/sliding-window.ts';
export { fixedWindowStep } from './core/fixed-window.ts';

// Time, randomness, durations.
export { manualClock, type Clock, type ManualClock } from './core/clock.ts';
export { systemClock } from './runtime/system-clock.ts';
export { seededRng, type Rng } from './core/rng.ts';
export { formatDuration, parseDuration, parseRate, type Rate } from './core/duration.ts';

// Errors: one class, stable codes (docs/errors.md).
export { ERROR_CODES, EnumguardError, isEnumguardError, type ErrorCode } from './core/errors.ts';
