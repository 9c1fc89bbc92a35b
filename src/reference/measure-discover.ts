/**
 * Measures the reference population and the simulator's fast path, not a test:
 *   npx tsx src/reference/measure-discover.ts [accounts=1000000] [seconds=3]
 * Prints the population's build time and memory, then discoverNumbers throughput for an
 * attacker sampling random valid candidates in batches of 1,000 (the incident's pattern).
 */
import { manualClock } from '../core/clock.ts';
import { internalError } from '../core/internal-error.ts';
import { seededRng } from '../core/rng.ts';
import { formatE164 } from './e164.ts';
import { createReferenceHandler } from './handler.ts';
import { createPopulation } from './population/population.ts';
import { createReferenceService } from './service.ts';

const accounts = Number(process.argv[2] ?? 1_000_000);
const seconds = Number(process.argv[3] ?? 3);
const gc = (globalThis as { gc?: () => void }).gc;

gc?.();
const before = process.memoryUsage();
const t0 = performance.now();
const population = createPopulation({ seed: 2024, accounts });
const buildMs = performance.now() - t0;
gc?.();
const after = process.memoryUsage();
const mb = (n: number): string => (n / 1e6).toFixed(1);
console.log(
  `population: ${accounts} accounts, ${population.candidateCount} candidates, built in ${buildMs.toFixed(0)} ms, ` +
    `heap +${mb(after.heapUsed - before.heapUsed)} MB, array buffers +${mb(after.arrayBuffers - before.arrayBuffers)} MB, ` +
    `rss ${mb(after.rss)} MB${gc ? '' : ' (run with --expose-gc for exact figures)'}`,
);

const clock = manualClock(population.startMs);
const service = createReferenceService({ population, clock });
const attacker = service.register('+4915112345678');
if (!attacker.ok) throw internalError(`the reference service refused a fresh number: ${attacker.detail}`);
for (let i = 0; i < 1000; i++) service.register(4915200000000 + i); // a Sybil swarm exists
const rng = seededRng(9);
const batch = new Float64Array(1000);
let looked = 0;
let found = 0;
let photos = 0;
const start = performance.now();
while (performance.now() - start < seconds * 1000) {
  for (let r = 0; r < 100; r++) {
    for (let i = 0; i < batch.length; i++)
      batch[i] = population.candidateAt(rng.int(population.candidateCount));
    const res = service.discoverNumbers(attacker.account, batch);
    looked += res.looked;
    found += res.found;
    photos += res.withPhoto;
  }
}
const elapsed = (performance.now() - start) / 1000;
console.log(
  `discoverNumbers: ${(looked / elapsed / 1e6).toFixed(2)}M numbers/s (including drawing them), ` +
    `hit ratio ${(found / looked).toFixed(4)}, photo visible for ${(photos / found).toFixed(3)} of hits`,
);

// The same lookups through the request handler: strings in, JSON out.
const handle = createReferenceHandler(service);
const strings = Array.from({ length: 1000 }, () =>
  formatE164(population.candidateAt(rng.int(population.candidateCount))),
);
const request = {
  method: 'POST',
  url: '/v1/contacts/discover',
  headers: { authorization: `Bearer ${attacker.token}` },
  body: { numbers: strings },
};
let viaHandler = 0;
const start2 = performance.now();
while (performance.now() - start2 < (seconds * 1000) / 2) {
  for (let r = 0; r < 20; r++) {
    const status = handle(request).status;
    if (status !== 200) throw internalError(`the reference handler answered a valid discover with ${status}`);
    viaHandler += strings.length;
  }
}
console.log(
  `handler (JSON path): ${(viaHandler / ((performance.now() - start2) / 1000) / 1e6).toFixed(2)}M numbers/s`,
);
