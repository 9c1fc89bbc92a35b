import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { freshSeed } from './fuzz-rng.ts';
import { fuzzHttp } from './http-fuzzer.ts';

/**
 * The HTTP fuzzer's short run in `npm test`; the long one is
 * `npm run fuzz -- http --requests 100000`. A fresh seed each run, printed; replay with
 * FUZZ_SEED=<seed> or `npm run fuzz -- http --seed <seed> --from <request> --requests 1`.
 */
describe('HTTP fuzzer (short run)', () => {
  it('answers or cleanly closes every hostile request, stays up, and lets no limit be bypassed', async (t) => {
    const seed = Number(process.env.FUZZ_SEED ?? freshSeed());
    t.diagnostic(`seed ${seed}`);
    const report = await fuzzHttp({ seed, requests: 300 });
    assert.deepEqual(report.failures, [], `seed ${seed}`);
    assert.equal(report.uncaught, 0);
    assert.ok(report.healthChecks >= 2);
  });
});
