import { parentPort, workerData } from 'node:worker_threads';
import { fuzzPolicies } from './policy-fuzzer.ts';

/** One slice of a long policy run, in a worker thread so the runner can stop a hung case. */
const { seed, from, cases } = workerData as { seed: number; from: number; cases: number };
// The YAML parser reports some inputs with process warnings (on stderr, quoting the input):
// counted as failures. They are emitted on the next tick, so counted after the run's last tick.
let warnings = 0;
process.on('warning', () => void warnings++);
const report = fuzzPolicies({ seed, from, cases, onProgress: (done) => parentPort?.postMessage({ done }) });
await new Promise((resolve) => setImmediate(resolve));
if (warnings > 0) {
  report.failures.push({
    index: from,
    base: '(slice)',
    mutations: [],
    problem: `${warnings} process warnings`,
  });
}
parentPort?.postMessage({ report });
