import { Worker } from 'node:worker_threads';
import { EnumguardError, ERROR_CODES, isEnumguardError, type ErrorCode } from '../core/errors.ts';
import type { Scorecard } from './scorecard.ts';

/**
 * Runs one scenario under several policies, each in its own worker thread, `jobs` at a time.
 *
 * Two reasons for threads. A compare of five policies is five independent runs, and this
 * machine kind has more than one core. And a worker's heap can be given a larger young
 * generation (resourceLimits): a run allocates hundreds of megabytes a second in strings and
 * contact objects that live for a few requests, and with V8's default 16 MB semi-spaces too
 * many of them survive two scavenges and are promoted, to be collected later by slow
 * mark-compacts. A bigger young generation lets them die young.
 */
export interface PolicyJob {
  /** The column name (the policy file's base name). */
  readonly name: string;
  readonly path: string;
}

export interface RunProgress {
  readonly virtualMs: number;
  readonly requests: number;
  readonly revealed: number;
}

/** A run that could not finish: its worker failed or exited without a result. */
export interface FailedRun {
  readonly name: string;
  readonly error: EnumguardError;
}

export interface FinishedRun {
  readonly name: string;
  readonly scorecard: Scorecard;
  readonly stoppedEarly: boolean;
  readonly virtualMs: number;
  readonly requests: number;
}

export interface ParallelRunsOptions {
  readonly scenarioPath: string;
  readonly policies: readonly PolicyJob[];
  readonly durationMs: number;
  /** Runs at once (at least 1). */
  readonly jobs: number;
  /** Progress is reported every this many requests of a run (default 2,000). */
  readonly progressEvery?: number;
  readonly onProgress?: (name: string, progress: RunProgress) => void;
  readonly onStart?: (name: string) => void;
  readonly onDone?: (run: FinishedRun) => void;
  /** Ctrl-C: once aborted, the runs under way end early (and are reported) and no more start. */
  readonly signal?: AbortSignal;
  /** Polled on each progress report; true acts like an abort. */
  readonly shouldStop?: () => boolean;
  /** The young generation of each worker's heap, MB (default 384). */
  readonly youngGenerationMb?: number;
}

/** What a run's worker gets (workerData). */
export interface WorkerJob {
  readonly scenarioPath: string;
  readonly policyPath: string;
  readonly durationMs: number;
  readonly progressEvery: number;
  /** Int32 flag shared by every worker of a compare: non-zero means stop now. */
  readonly stop: SharedArrayBuffer;
}

/** What a run's worker posts back. */
export type WorkerMessage =
  | ({ readonly kind: 'progress' } & RunProgress)
  | ({ readonly kind: 'done' } & Omit<FinishedRun, 'name'>)
  | { readonly kind: 'error'; readonly code: string; readonly message: string; readonly stack?: string };

const DEFAULT_YOUNG_GENERATION_MB = 384;

export interface RunOutcome {
  /** The runs that finished, in the order of `policies`; those never started (after a stop) are left out. */
  readonly runs: FinishedRun[];
  /** Runs that failed. The others still finish and are reported: nothing done is thrown away. */
  readonly failures: FailedRun[];
}

export async function runPolicies(options: ParallelRunsOptions): Promise<RunOutcome> {
  const stopBuffer = new SharedArrayBuffer(4);
  const stopFlag = new Int32Array(stopBuffer);
  const stop = (): void => void Atomics.store(stopFlag, 0, 1);
  const stopping = (): boolean => Atomics.load(stopFlag, 0) !== 0;
  if (options.signal?.aborted) stop();
  options.signal?.addEventListener('abort', stop, { once: true });

  const results: (FinishedRun | undefined)[] = options.policies.map(() => undefined);
  const failures: FailedRun[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < options.policies.length && !stopping()) {
      const policy = options.policies[next++] as PolicyJob;
      options.onStart?.(policy.name);
      const onProgress = (progress: RunProgress): void => {
        if (options.shouldStop?.()) stop();
        options.onProgress?.(policy.name, progress);
      };
      try {
        const run = await runOne(policy, options, stopBuffer, onProgress);
        results[options.policies.indexOf(policy)] = run;
        options.onDone?.(run);
      } catch (err) {
        failures.push({
          name: policy.name,
          error: isEnumguardError(err) ? err : runError(policy.name, 'ERR_INTERNAL', String(err)),
        });
      }
    }
  };
  try {
    const lanes = Math.max(1, Math.min(Math.floor(options.jobs), options.policies.length));
    await Promise.all(Array.from({ length: lanes }, lane));
  } finally {
    options.signal?.removeEventListener('abort', stop);
  }
  return { runs: results.filter((r): r is FinishedRun => r !== undefined), failures };
}

function runOne(
  policy: PolicyJob,
  options: ParallelRunsOptions,
  stop: SharedArrayBuffer,
  onProgress: (progress: RunProgress) => void,
): Promise<FinishedRun> {
  const job: WorkerJob = {
    scenarioPath: options.scenarioPath,
    policyPath: policy.path,
    durationMs: options.durationMs,
    progressEvery: options.progressEvery ?? 2000,
    stop,
  };
  const worker = new Worker(WORKER_ENTRY, {
    eval: FROM_SOURCE,
    workerData: job,
    resourceLimits: { maxYoungGenerationSizeMb: options.youngGenerationMb ?? DEFAULT_YOUNG_GENERATION_MB },
  });
  return new Promise<FinishedRun>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      fn();
    };
    worker.on('message', (message: WorkerMessage) => {
      switch (message.kind) {
        case 'progress':
          onProgress(message);
          break;
        case 'done': {
          const { kind: _kind, ...run } = message;
          settle(() => resolve({ name: policy.name, ...run }));
          break;
        }
        case 'error':
          settle(() => reject(runError(policy.name, message.code, message.message, message.stack)));
          // The worker reported and is done; make sure it does not linger.
          void worker.terminate();
          break;
      }
    });
    worker.on('error', (err) =>
      settle(() => reject(runError(policy.name, 'ERR_INTERNAL', err.message, err.stack))),
    );
    worker.on('exit', (code) =>
      settle(() =>
        reject(
          new EnumguardError(
            'ERR_INTERNAL',
            `the run of ${policy.name} ended without a result (worker exit code ${code})`,
          ),
        ),
      ),
    );
  });
}

function runError(name: string, code: string, message: string, stack?: string): EnumguardError {
  const known = (ERROR_CODES as readonly string[]).includes(code) ? (code as ErrorCode) : 'ERR_INTERNAL';
  const err = new EnumguardError(
    known,
    known === 'ERR_INTERNAL' ? `the run of ${name} failed: ${message}` : message,
  );
  if (stack && known === 'ERR_INTERNAL') err.stack = stack;
  return err;
}

/**
 * The worker is TypeScript when this module is (run from source through tsx). A worker does
 * not inherit the main thread's module hooks, nor honour --import, so from source it starts
 * with a small script that registers tsx's loader and then imports the worker.
 */
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(FROM_SOURCE ? './world-worker.ts' : './world-worker.js', import.meta.url);
const WORKER_ENTRY: string | URL = FROM_SOURCE
  ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})` +
    `.then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`
  : WORKER_URL;
