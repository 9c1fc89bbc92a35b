import assert from 'node:assert/strict';
import { riskModel } from '../core/risk.ts';
import { identityTag, type StoreAdmin } from '../stores/risk-subject.ts';
import type { RiskLookup, RiskSignal } from '../stores/store.ts';
import { CONTRACT_START_MS, consume, type ContractCase, type StoreUnderTest } from './store-contract-kit.ts';

/**
 * The operator's half of the Store contract (issue 14): `store.admin` lists the riskiest
 * subjects and the blocks in force, blocks and lifts, naming identities by tag and networks
 * by prefix, as every gateway sharing the store sees them.
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
const lookup = (identity: string | undefined, prefix = A): RiskLookup => ({
  model,
  identity,
  prefix,
  shadow: false,
});
const weigh = (weight: number, ipPrefix = 0): RiskSignal => ({
  weight,
  layers: { identity: 1, ipPrefix, cohort: 0 },
  shadow: false,
});

function adminOf(s: StoreUnderTest): StoreAdmin {
  assert.ok(s.store.admin !== undefined, `${s.store.name} offers no admin operations`);
  return s.store.admin;
}

async function level(s: StoreUnderTest, l: RiskLookup): Promise<string> {
  return (await consume(s, [], l)).risk?.enforced.level ?? 'missing';
}

export function adminContract(test: ContractCase): void {
  test('top: identities by tag and networks by prefix, highest score first, never the raw key', async (s) => {
    const admin = adminOf(s);
    await s.store.signal(lookup('token-alice'), weigh(30));
    await s.store.signal(lookup('token-bob', B), weigh(60, 0.5));
    await consume(s, [], lookup('token-seen-only'));
    const top = await admin.top(model, 10);
    assert.deepEqual(
      top.map((e) => [e.subject, Math.round(e.score)]),
      [
        [{ kind: 'identity', tag: identityTag('token-bob') }, 60],
        // A tie is ordered by name: identities before networks.
        [{ kind: 'identity', tag: identityTag('token-alice') }, 30],
        [{ kind: 'network', prefix: B }, 30],
      ],
    );
    assert.equal(JSON.stringify(top).includes('token-'), false, 'a raw identity key was listed');
    assert.equal((await admin.top(model, 1)).length, 1);
    s.advance(10 * MIN); // one half-life
    assert.equal(Math.round((await admin.top(model, 1))[0]?.score ?? 0), 30);
  });

  test('blocks lists a detector block; lift clears it and the score, and the subject is served', async (s) => {
    const admin = adminOf(s);
    await s.store.signal(lookup('token-mallory'), weigh(100));
    const tag = identityTag('token-mallory');
    const blocks = await admin.blocks(model);
    assert.deepEqual(
      blocks.map((e) => [e.subject, e.blocks, e.blockedUntil > 0]),
      [[{ kind: 'identity', tag }, 1, true]],
    );
    assert.equal(await level(s, lookup('token-mallory')), 'block');
    assert.equal(await admin.lift(model, { kind: 'identity', tag }), true);
    assert.equal(await level(s, lookup('token-mallory')), 'none');
    assert.deepEqual(await admin.blocks(model), []);
    assert.deepEqual(await admin.top(model, 10), []);
    // The memory of the block went too: the next block is the base term, not an escalated one.
    const again = await s.store.signal(lookup('token-mallory'), weigh(100));
    assert.equal(again.enforced.retryAfterMs, 30 * MIN);
  });

  test('an operator blocks a network by prefix for a duration; it ends on time or when lifted', async (s) => {
    const admin = adminOf(s);
    const entry = await admin.block(model, { kind: 'network', prefix: B }, 5 * MIN);
    assert.deepEqual(
      [entry?.subject, entry?.blockedUntil],
      [{ kind: 'network', prefix: B }, CONTRACT_START_MS + 5 * MIN],
    );
    assert.equal(await level(s, lookup(undefined, B)), 'block');
    assert.equal(await level(s, lookup('token-carol', B)), 'block');
    assert.equal(await level(s, lookup('token-carol', A)), 'none');
    assert.deepEqual(
      (await admin.blocks(model)).map((e) => e.subject),
      [{ kind: 'network', prefix: B }],
    );
    s.advance(5 * MIN);
    assert.equal(await level(s, lookup(undefined, B)), 'none');
    await admin.block(model, { kind: 'network', prefix: B }, 60 * MIN);
    assert.equal(await admin.lift(model, { kind: 'network', prefix: B }), true);
    assert.equal(await level(s, lookup(undefined, B)), 'none');
  });

  test('an operator blocks a scored identity by tag; an unknown tag or prefix is answered as absent', async (s) => {
    const admin = adminOf(s);
    await s.store.signal(lookup('token-dave'), weigh(15));
    const tag = identityTag('token-dave');
    const entry = await admin.block(model, { kind: 'identity', tag }, 10 * MIN);
    assert.equal(Math.round(entry?.score ?? 0), 15);
    assert.equal(await level(s, lookup('token-dave')), 'block');
    assert.equal(await level(s, lookup('token-erin')), 'none', 'the network is not blocked');
    assert.equal(await admin.block(model, { kind: 'identity', tag: 'ffffffffffff' }, MIN), undefined);
    assert.equal(await admin.lift(model, { kind: 'identity', tag: 'ffffffffffff' }), false);
    assert.equal(await admin.lift(model, { kind: 'network', prefix: '192.0.2.0/24' }), false);
  });
}
