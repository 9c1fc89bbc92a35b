import assert from 'node:assert/strict';
import { riskModel } from '../core/risk.ts';
import type { RiskLayer, RiskLookup, RiskReading, RiskSignal } from '../stores/store.ts';
import {
  check,
  consume,
  remaining,
  spec,
  type ContractCase,
  type StoreUnderTest,
} from './store-contract-kit.ts';

/**
 * The risk half of the Store contract (see store-contract.ts): what a signal does to the
 * consumes that follow, read through `consume(checks, lookup)` and `signal(lookup, signal)`.
 */
const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const model = riskModel({
  halfLifeMs: 10 * MIN,
  thresholds: { observe: 10, shrink: 20, challenge: 40, block: 80 },
  shrinkFactor: 0.25,
  block: { baseMs: 30 * MIN, multiplier: 2, maxMs: DAY, forgetAfterMs: 7 * DAY },
});
const A = '198.51.100.0/24';
const B = '203.0.113.0/24';
const C = '192.0.2.0/24';

const lookup = (identity: string | undefined, prefix = A, shadow = false): RiskLookup => ({
  model,
  identity,
  prefix,
  shadow,
});
const weigh = (weight: number, layers: Partial<Record<RiskLayer, number>> = { identity: 1 }): RiskSignal => ({
  weight,
  layers: { identity: 0, ipPrefix: 0, cohort: 0, ...layers },
  shadow: false,
});
const signal = async (s: StoreUnderTest, l: RiskLookup, sig: RiskSignal): Promise<RiskReading> =>
  await s.store.signal(l, sig);

/** The level a request with `l` is refused or served at, and whether it was allowed. */
async function levelOf(s: StoreUnderTest, l: RiskLookup): Promise<[boolean, string, RiskLayer | undefined]> {
  const out = await consume(s, [], l);
  return [out.allowed, out.risk?.enforced.level ?? 'missing', out.risk?.layer];
}

// A fixed window with room to spare: `remaining` then reads the charged cost exactly.
const roomy = spec('roomy', 'fixed-window', 1000, 3_600_000);

export function riskContract(test: ContractCase): void {
  test('a signal at the block threshold blocks: consume denies and charges nothing', async (s) => {
    const reading = await signal(s, lookup('mallory'), weigh(100));
    assert.deepEqual(
      [reading.enforced.level, reading.layer, reading.score, reading.enforced.retryAfterMs],
      ['block', 'identity', 100, 30 * MIN],
    );
    const c = check(roomy, 'roomy:mallory');
    const out = await consume(s, [c], lookup('mallory'));
    assert.deepEqual([out.allowed, out.outcomes.length, out.risk?.enforced.level], [false, 0, 'block']);
    assert.equal(await remaining(s, c), 1000);
  });

  test('a request without a risk lookup (allowlisted) ignores risk', async (s) => {
    await signal(s, lookup('auditor'), weigh(100));
    const c = check(roomy, 'roomy:auditor');
    const out = await consume(s, [c]);
    assert.equal(out.allowed, true);
    assert.equal('risk' in out && out.risk !== undefined, false, 'no risk read without a lookup');
    assert.equal(await remaining(s, c), 999);
  });

  test('a challenge denies and charges nothing; it lapses as the score decays', async (s) => {
    const reading = await signal(s, lookup('eve'), weigh(50));
    assert.equal(reading.enforced.level, 'challenge');
    // Until 50 × 2^(−Δ/h) falls to 40: Δ = h × log2(50/40).
    const expected = 10 * MIN * Math.log2(50 / 40);
    assert.ok(
      Math.abs((reading.enforced.retryAfterMs ?? 0) - expected) < 1,
      JSON.stringify(reading.enforced),
    );
    const c = check(roomy, 'roomy:eve');
    const out = await consume(s, [c], lookup('eve'));
    assert.deepEqual([out.allowed, out.outcomes.length], [false, 0]);
    assert.equal(await remaining(s, c), 1000);
    s.advance(10 * MIN); // one half-life: 25, shrink
    assert.deepEqual(await levelOf(s, lookup('eve')), [true, 'shrink', 'identity']);
  });

  test('shrink divides the quota: each unit costs 1 / shrinkFactor', async (s) => {
    assert.equal((await signal(s, lookup('sam'), weigh(25))).enforced.level, 'shrink');
    const out = await consume(
      s,
      [check(roomy, 'roomy:sam', 1), check(roomy, 'roomy:sam3', 3)],
      lookup('sam'),
    );
    assert.deepEqual([out.allowed, out.risk?.enforced.quotaFactor], [true, 0.25]);
    assert.deepEqual(
      out.outcomes.map((o) => o.remaining),
      [1000 - 4, 1000 - 12],
    );
  });

  test('ramp: a young identity pays more for a ramped limit, less as it ages', async (s) => {
    const ramp = { from: 0.5, overMs: 2 * DAY };
    const ramped = { ...check(roomy, 'roomy:young', 10), ramp };
    const plain = check(roomy, 'roomy:plain', 10);
    const pay = async (): Promise<number[]> => {
      const before = [await remaining(s, ramped), await remaining(s, plain)];
      const out = await consume(s, [ramped, plain], lookup('young'));
      assert.equal(out.allowed, true);
      return out.outcomes.map((o, i) => (before[i] ?? 0) - o.remaining);
    };
    assert.deepEqual(await pay(), [20, 10], 'first seen now: half the quota');
    s.advance(DAY);
    assert.deepEqual(await pay(), [14, 10], 'a day old: 10 / 0.75, rounded up');
    s.advance(DAY);
    assert.deepEqual(await pay(), [10, 10], 'two days old: face value');
    const noLookup = await consume(s, [{ ...check(roomy, 'roomy:other', 10), ramp }]);
    assert.equal(noLookup.outcomes[0]?.remaining, 990, 'no lookup, no age: no ramp');
  });

  test('reports the identity’s age since it was first seen', async (s) => {
    assert.equal((await consume(s, [], lookup('old'))).risk?.ageMs, 0);
    s.advance(5 * MIN);
    assert.equal((await consume(s, [], lookup('old'))).risk?.ageMs, 5 * MIN);
  });

  test('a block ends after its term; the next one lasts twice as long', async (s) => {
    await signal(s, lookup('rex'), weigh(100));
    s.advance(30 * MIN); // three half-lives: 12.5, observe
    assert.deepEqual(await levelOf(s, lookup('rex')), [true, 'observe', 'identity']);
    const again = await signal(s, lookup('rex'), weigh(100));
    assert.deepEqual([again.enforced.level, again.enforced.retryAfterMs], ['block', 60 * MIN]);
  });

  test('a prefix’s score reaches every identity behind it, a cohort’s those first seen there', async (s) => {
    await signal(s, lookup('a1', A), weigh(100, { ipPrefix: 1 }));
    assert.deepEqual(await levelOf(s, lookup('a2', A)), [false, 'block', 'ipPrefix']);
    assert.deepEqual(await levelOf(s, lookup(undefined, A)), [false, 'block', 'ipPrefix']);
    assert.deepEqual(await levelOf(s, lookup('b1', B)), [true, 'none', undefined]);

    assert.equal((await levelOf(s, lookup('roamer', C)))[0], true); // first seen from C
    await signal(s, lookup('c1', C), weigh(100, { cohort: 1 }));
    assert.deepEqual(await levelOf(s, lookup('roamer', B)), [false, 'block', 'cohort']);
    assert.deepEqual(await levelOf(s, lookup('newcomer', B)), [true, 'none', undefined]);
  });

  test('an established account is spared its network’s and its cohort’s penalties, not its own', async (s) => {
    const spared = (identity: string, prefix: string): RiskLookup => ({
      ...lookup(identity, prefix),
      spareNetwork: true,
    });
    assert.equal((await levelOf(s, lookup('old', C)))[0], true); // first seen from C: its cohort
    await signal(s, lookup('c1', C), weigh(100, { cohort: 1 }));
    await signal(s, lookup('a1', A), weigh(100, { ipPrefix: 1 }));
    assert.deepEqual(await levelOf(s, lookup('old', A)), [false, 'block', 'ipPrefix']);
    assert.deepEqual(await levelOf(s, spared('old', A)), [true, 'none', undefined]);
    assert.deepEqual(await levelOf(s, spared('old', B)), [true, 'none', undefined]);
    // Its own findings reach its own score only: the network it shares is left as it was.
    await signal(s, spared('old', B), weigh(100, { identity: 1, ipPrefix: 1 }));
    assert.deepEqual(await levelOf(s, spared('old', B)), [false, 'block', 'identity']);
    assert.deepEqual(await levelOf(s, lookup('neighbour', B)), [true, 'none', undefined]);
  });

  test('an identity already blocked adds nothing more to its networks', async (s) => {
    const both = weigh(100, { identity: 1, ipPrefix: 0.5 });
    await signal(s, lookup('x', A), both); // x blocked, the /24 at 50: challenge
    await signal(s, lookup('x', A), both); // x retries while blocked: the /24 stays at 50
    assert.deepEqual(await levelOf(s, lookup('y', A)), [false, 'challenge', 'ipPrefix']);
  });

  test('in shadow nothing is enforced, yet the reading says what would be', async (s) => {
    const shadowed = await signal(s, lookup('sh', A, true), weigh(100));
    assert.deepEqual(
      [shadowed.enforced.level, shadowed.wouldBe.level, shadowed.shadowWouldBe.level],
      ['observe', 'block', 'block'],
    );
    const c = check(roomy, 'roomy:sh');
    assert.equal((await consume(s, [c], lookup('sh', A, true))).allowed, true);
    assert.equal(await remaining(s, c), 999);

    const rule = await signal(s, lookup('rule'), { ...weigh(100), shadow: true });
    assert.deepEqual(
      [rule.enforced.level, rule.wouldBe.level, rule.shadowWouldBe.level],
      ['none', 'none', 'block'],
    );
    assert.equal((await levelOf(s, lookup('rule')))[0], true);
  });

  test('clear() forgets scores, blocks and first sightings', async (s) => {
    await signal(s, lookup('z', A), weigh(100, { identity: 1, ipPrefix: 1 }));
    s.advance(DAY);
    await s.store.clear();
    const out = await consume(s, [], lookup('z', A));
    assert.deepEqual([out.allowed, out.risk?.enforced.level, out.risk?.ageMs], [true, 'none', 0]);
  });
}
