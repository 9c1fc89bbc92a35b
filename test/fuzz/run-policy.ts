import { Worker } from 'node:worker_threads';
import type { PolicyFailure, PolicyFuzzReport } from './policy-fuzzer.ts';

export interface PolicyRunOptions {
  readonly seed: number;
  readonly cases: number;
  readonly from: number;
  readonly workers: number;
  /** A worker that reports no progress for this long is stopped, and its slice reported as a hang. */
  readonly stallMs: number;
}

export interface PolicyRunSummary {
  readonly seed: number;
  readonly cases: number;
  readonly compiled: number;
  readonly refused: number;
  readonly failures: readonly PolicyFailure[];
  readonly hangs: readonly string[];
  readonly slowestMs: number;
  readonly seconds: number;
}

/** Splits [from, from + cases) over worker threads, each watched for progress. */
export async function runPolicyFuzz(
  options: PolicyRunOptions,
  log: (line: string) => void,
): Promise<PolicyRunSummary> {
  const started = performance.now();
  const chunk = Math.ceil(options.cases / options.workers);
  const slices = Array.from({ length: options.workers }, (_, k) => ({
    from: options.from + k * chunk,
    cases: Math.max(0, Math.min(chunk, options.cases - k * chunk)),
  })).filter((s) => s.cases > 0);
  const done = new Array<number>(slices.length).fill(0);
  let nextLog = 0;
  const results = await Promise.all(
    slices.map(
      (slice, k) =>
        new Promise<PolicyFuzzReport | string>((resolve) => {
          // policy-worker.mjs registers tsx in the thread, then runs policy-worker.ts.
          const worker = new Worker(new URL('./policy-worker.mjs', import.meta.url), {
            workerData: { seed: options.seed, ...slice },
          });
          let last = performance.now();
          const watch = setInterval(() => {
            if (performance.now() - last < options.stallMs) return;
            clearInterval(watch);
            void worker.terminate();
            resolve(
              `no progress for ${options.stallMs} ms in cases ${slice.from + done[k]!}..${slice.from + done[k]! + 999}`,
            );
          }, 1000);
          worker.on('message', (m: { done?: number; report?: PolicyFuzzReport }) => {
            last = performance.now();
            if (m.done !== undefined) {
              done[k] = m.done;
              const total = done.reduce((a, b) => a + b, 0);
              if (total >= nextLog) {
                log(
                  `policy fuzz: ${total.toLocaleString('en-US')} of ${options.cases.toLocaleString('en-US')} cases`,
                );
                nextLog += Math.max(1000, Math.floor(options.cases / 20));
              }
            }
            if (m.report !== undefined) {
              clearInterval(watch);
              resolve(m.report);
            }
          });
          worker.on('error', (err) => {
            clearInterval(watch);
            resolve(`worker crashed: ${err.message}`);
          });
        }),
    ),
  );
  const reports = results.filter((r): r is PolicyFuzzReport => typeof r !== 'string');
  return {
    seed: options.seed,
    cases: options.cases,
    compiled: reports.reduce((a, r) => a + r.compiled, 0),
    refused: reports.reduce((a, r) => a + r.refused, 0),
    failures: reports.flatMap((r) => r.failures),
    hangs: results.filter((r): r is string => typeof r === 'string'),
    slowestMs: Math.max(0, ...reports.map((r) => r.slowestMs)),
    seconds: (performance.now() - started) / 1000,
  };
}
