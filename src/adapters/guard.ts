import type { Clock } from '../core/clock.ts';
import { createPipeline, type Pipeline, type PipelineLogger } from '../pipeline/pipeline.ts';
import { systemClock } from '../runtime/system-clock.ts';
import type { CompiledPolicy } from '../policy/types.ts';
import { createMemoryStore } from '../stores/memory-store.ts';
import type { Store } from '../stores/store.ts';

/**
 * What every adapter accepts: a ready pipeline (to share one across apps, or with the
 * gateway), or a compiled policy plus, optionally, a store. Without a store the embedded
 * memory store is used.
 */
export type GuardOptions =
  | { readonly pipeline: Pipeline }
  | {
      readonly policy: CompiledPolicy;
      readonly store?: Store;
      readonly clock?: Clock;
      readonly logger?: PipelineLogger;
    };

export function pipelineFrom(options: GuardOptions): Pipeline {
  if ('pipeline' in options) return options.pipeline;
  const clock = options.clock ?? systemClock;
  return createPipeline({
    policy: options.policy,
    store: options.store ?? createMemoryStore({ clock }),
    clock,
    ...(options.logger ? { logger: options.logger } : {}),
  });
}

/** The logger the adapter's options name, if any (a ready pipeline brings its own). */
export function loggerOf(options: GuardOptions): PipelineLogger | undefined {
  return 'logger' in options ? options.logger : undefined;
}
