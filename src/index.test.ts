import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type * as _Types from './index.ts';

// The public API, name by name. A name added to or removed from an entry point changes this list
// on purpose, in the same commit, or this test fails.
const ENTRY_POINTS: Readonly<Record<string, { readonly file: string; readonly names: readonly string[] }>> = {
  enumguard: {
    file: './index.ts',
    names: [
      'ALGORITHMS',
      'DECISION_REASONS',
      'ERROR_CODES',
      'EnumguardError',
      'PROBLEM_CODES',
      'PROBLEM_HEADER',
      'PolicyError',
      'RISK_LEVELS',
      'compilePolicy',
      'createMemoryStore',
      'createPipeline',
      'createResilientStore',
      'fixedWindowStep',
      'formatDuration',
      'gcraStep',
      'isEnumguardError',
      'loadPolicy',
      'manualClock',
      'openPolicyStore',
      'parseDuration',
      'parseRate',
      'seededRng',
      'slidingWindowStep',
      'systemClock',
      'watchPolicy',
    ],
  },
  'enumguard/node': { file: './adapters/node/index.ts', names: ['enumguard'] },
  'enumguard/express': { file: './adapters/express/index.ts', names: ['bodyParserErrors', 'enumguard'] },
  'enumguard/fastify': { file: './adapters/fastify/index.ts', names: ['enumguard'] },
  'enumguard/hono': { file: './adapters/hono/index.ts', names: ['enumguard'] },
  'enumguard/redis': { file: './stores/redis/index.ts', names: ['createRedisStore'] },
  'enumguard/testing': { file: './testing/index.ts', names: ['CONTRACT_START_MS', 'describeStoreContract'] },
};

// The public types: tsc fails here (npm run check) when one of them leaves the API.
export type PublicTypes = [
  _Types.Admission,
  _Types.AlgorithmName,
  _Types.BatchOutcome,
  _Types.BreakerState,
  _Types.Caller,
  _Types.Clock,
  _Types.CompileOptions,
  _Types.CompiledLimit,
  _Types.CompiledPolicy,
  _Types.CompiledRoute,
  _Types.ConsumeOptions,
  _Types.Decision,
  _Types.DecisionReason,
  _Types.ErrorCode,
  _Types.HeaderMap,
  _Types.LimitCheck,
  _Types.LimitOutcome,
  _Types.LimitSpec,
  _Types.ManualClock,
  _Types.MemoryStore,
  _Types.MemoryStoreOptions,
  _Types.Pipeline,
  _Types.PipelineLogger,
  _Types.PipelineOptions,
  _Types.PlainRequest,
  _Types.PlainResponse,
  _Types.PolicyInput,
  _Types.PolicyIssue,
  _Types.PolicyStore,
  _Types.PolicyStoreLogger,
  _Types.PolicyStoreOptions,
  _Types.PolicyWatchLogger,
  _Types.PolicyWatcher,
  _Types.ProblemCode,
  _Types.Rate,
  _Types.ResilientStore,
  _Types.ResilientStoreOptions,
  _Types.ResilientStoreStats,
  _Types.ResponseOutcome,
  _Types.ResponsePlan,
  _Types.RiskLayer,
  _Types.RiskLevel,
  _Types.RiskLookup,
  _Types.RiskReading,
  _Types.RiskSignal,
  _Types.RiskedOutcome,
  _Types.Rng,
  _Types.Step,
  _Types.StepResult,
  _Types.Store,
  _Types.StoreLogger,
  _Types.UnavailableMode,
  _Types.Upstream,
  _Types.WatchPolicyOptions,
];

describe('public API', () => {
  for (const [entry, { file, names }] of Object.entries(ENTRY_POINTS)) {
    it(`${entry} exports exactly its listed names`, async () => {
      const module = (await import(file)) as Record<string, unknown>;
      assert.deepEqual(Object.keys(module).sort(), [...names].sort());
    });
  }
});
