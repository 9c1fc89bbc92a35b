import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { freshSeed } from './fuzz-rng.ts';
import { fuzzPolicies } from './policy-fuzzer.ts';

/**
 * The policy fuzzer's short run in `npm test` (seconds); the long one is
 * `npm run fuzz -- policy --cases 1000000`. A fresh seed each run, printed, so a failure
 * replays with FUZZ_SEED=<seed> or `npm run fuzz -- policy --seed <seed> --from <case> --cases 1`.
 */
describe('policy fuzzer (short run)', () => {
  it('compiles or refuses with a located EnumguardError every mutated policy', (t) => {
    const seed = Number(process.env.FUZZ_SEED ?? freshSeed());
    t.diagnostic(`seed ${seed}`);
    const report = fuzzPolicies({ seed, cases: 300 });
    const first = report.failures[0];
    assert.equal(
      report.failures.length,
      0,
      first === undefined
        ? ''
        : `seed ${seed}, case ${first.index} (${first.base}; ${first.mutations.join(', ')}): ${first.problem}`,
    );
    assert.equal(report.compiled + report.refused, 300);
  });
});
