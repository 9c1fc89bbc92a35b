import { parentPort, workerData } from 'node:worker_threads';
import { isEnumguardError } from '../core/errors.ts';
import { loadPolicy } from '../policy/index.ts';
import { loadScenario, worldOptions } from './scenario.ts';
import type { WorkerJob, WorkerMessage } from './parallel-runs.ts';
import { runWorld } from './world.ts';

/**
 * One policy's run of a scenario, in a worker thread (see parallel-runs.ts). It loads the
 * scenario and the policy from their files itself: compiled policies hold functions, which
 * cannot cross to a worker.
 */
const job = workerData as WorkerJob;
const stop = new Int32Array(job.stop);
const post = (message: WorkerMessage): void => parentPort?.postMessage(message);

try {
  const scenario = await loadScenario(job.scenarioPath);
  const policy = await loadPolicy(job.policyPath);
  const world = await runWorld({
    ...worldOptions(scenario),
    durationMs: job.durationMs,
    policy,
    progressEvery: job.progressEvery,
    shouldStop: () => Atomics.load(stop, 0) !== 0,
    onProgress: (p) =>
      post({ kind: 'progress', virtualMs: p.virtualMs, requests: p.requests, revealed: p.revealed }),
  });
  post({
    kind: 'done',
    scorecard: world.scorecard,
    stoppedEarly: world.run.stoppedEarly,
    virtualMs: world.run.virtualMs,
    requests: world.run.requests,
  });
} catch (err) {
  post({
    kind: 'error',
    code: isEnumguardError(err) ? err.code : 'ERR_INTERNAL',
    message: err instanceof Error ? err.message : String(err),
    ...(err instanceof Error && err.stack ? { stack: err.stack } : {}),
  });
}
