import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../../src/core/clock.ts';
import { riskModel } from '../../src/core/risk.ts';
import { createPipeline } from '../../src/pipeline/pipeline.ts';
import { compilePolicy } from '../../src/policy/index.ts';
import { createMemoryStore } from '../../src/stores/memory-store.ts';
import type { RiskLookup } from '../../src/stores/store.ts';

/**
 * Regression (issue 13, item 1): a client that had spent a limit flooded another route from
 * many keys (fresh session headers, IPv6 /64s, anonymous identities); the memory store, full,
 * evicted its least recently used keys, the spent bucket among them, and the client got a
 * full budget again. Reproduced with `--max-keys` 1,000, 20,000 and 100,000.
 *
 * Now a full store evicts only keys at rest; with none, a new key is decided on its limit's
 * shared overflow bucket, and a full risk table keeps hot records the same way.
 */
const POLICY = `
version: 1
identities:
  apiKeys:
    keys:
      - { id: someone, sha256: ffb4ab2864c006ed9a870db6c3cea7c45ae6a6d91a05195fc4b45b2523fd0e6e }
routes:
  - id: lookup
    match: { method: GET, path: /v1/lookup }
    auth: none
    limits:
      - { id: per-ip, key: ip, rate: 5/1h }
  - id: discover
    match: { method: POST, path: /v1/discover }
    auth: none
    limits:
      - { id: new-numbers, key: { header: authorization }, rate: 10/1d, burst: 10, distinct: /numbers }
  - id: session
    match: { method: GET, path: /v1/session }
    auth: none
    limits:
      - { id: per-session, key: { header: x-session }, rate: 100/1h }
  - id: anonymous
    match: { method: GET, path: /v1/anonymous }
    auth: optional
    limits:
      - { id: per-identity, key: identity, rate: 100/1h }
`;

const ATTACKER = '198.51.100.7';
const numbers = (from: number, count: number): string[] =>
  Array.from({ length: count }, (_, i) => `+1415${String(5_000_000 + from + i)}`);

function world(maxKeys: number) {
  const clock = manualClock(0);
  const store = createMemoryStore({ clock, maxKeys, seed: [13, 1] });
  const policy = compilePolicy(POLICY, { source: 'policy.yaml' });
  const pipeline = createPipeline({ policy, store, clock });
  const get = async (url: string, remoteAddress: string, headers: Record<string, string> = {}) =>
    (await pipeline.admit({ method: 'GET', url, headers, remoteAddress })).allowed;
  const discover = async (nums: string[]) => {
    const body = { numbers: nums };
    const headers = { authorization: 'Bearer attacker', 'content-type': 'application/json' };
    const req = { method: 'POST', url: '/v1/discover', headers, remoteAddress: ATTACKER, body };
    return (await pipeline.admit({ ...req, rawBody: JSON.stringify(body) })).allowed;
  };
  return { store, get, discover };
}

/** The n-th flood key of each kind: a session header, an IPv6 /64, an IPv4 address. */
const FLOODS = {
  'fresh session headers': (n: number) => ['/v1/session', '203.0.113.9', { 'x-session': `s-${n}` }] as const,
  'IPv6 /64s': (n: number) =>
    ['/v1/anonymous', `2001:db8:${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}::1`, {}] as const,
  'anonymous identities': (n: number) =>
    ['/v1/anonymous', `10.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`, {}] as const,
};

for (const maxKeys of [1_000, 20_000]) {
  describe(`regression: filling a ${maxKeys.toLocaleString('en-US')}-key memory store hands no budget back`, () => {
    for (const [kind, flood] of Object.entries(FLOODS)) {
      it(`keeps a spent per-ip limit spent through a flood of ${kind}`, async () => {
        const w = world(maxKeys);
        for (let i = 0; i < 5; i++) assert.equal(await w.get('/v1/lookup', ATTACKER), true);
        assert.equal(await w.get('/v1/lookup', ATTACKER), false);
        let floodAllowed = 0;
        for (let n = 0; n < maxKeys * 2; n++) {
          const [url, ip, headers] = flood(n);
          if (await w.get(url, ip, headers)) floodAllowed++;
        }
        assert.ok(w.store.size() <= maxKeys);
        assert.equal(await w.get('/v1/lookup', ATTACKER), false, 'the spent bucket survived the flood');
        // The flood's own keys: one each until the store is full, then one key's budget (100) shared.
        assert.ok(floodAllowed <= maxKeys + 100, `flood allowed ${floodAllowed}`);
        assert.ok(w.store.stats().overflowed > 0);
      });
    }

    it('keeps a spent distinct-number quota spent through a flood', async () => {
      const w = world(maxKeys);
      assert.equal(await w.discover(numbers(0, 10)), true);
      assert.equal(await w.discover(numbers(10, 1)), false);
      for (let n = 0; n < maxKeys * 2; n++)
        await w.get('/v1/session', '203.0.113.9', { 'x-session': `s-${n}` });
      assert.equal(await w.discover(numbers(10, 1)), false, 'new numbers still cost: the quota is spent');
      assert.equal(await w.discover(numbers(0, 10)), true, 'the remembered numbers are still known');
    });
  });
}

describe('regression: filling the risk table unblocks no one', () => {
  const model = riskModel({
    halfLifeMs: 3_600_000,
    thresholds: { block: 10 },
    shrinkFactor: 0.5,
    block: { baseMs: 3_600_000, multiplier: 2, maxMs: 86_400_000, forgetAfterMs: 86_400_000 },
  });
  const lookup = (identity: string, prefix: string): RiskLookup => ({
    model,
    identity,
    prefix,
    shadow: false,
  });
  const signal = { weight: 20, layers: { identity: 1, ipPrefix: 0, cohort: 0 }, shadow: false };

  for (const maxRiskRecords of [1_000, 20_000]) {
    it(`keeps a blocked identity blocked through ${(maxRiskRecords * 2).toLocaleString('en-US')} new identities`, () => {
      const store = createMemoryStore({ clock: manualClock(0), maxRiskRecords, seed: [13, 2] });
      assert.equal(store.signal(lookup('attacker', '198.51.100.0/24'), signal).enforced.level, 'block');
      // Each new identity is hot too (one signal each), so none of them is at rest.
      for (let n = 0; n < maxRiskRecords * 2; n++)
        store.signal(lookup(`sybil-${n}`, `10.0.${n & 255}.0/24`), signal);
      assert.ok(store.stats().riskRecords <= maxRiskRecords);
      assert.equal(store.consume([], lookup('attacker', '198.51.100.0/24')).allowed, false, 'still blocked');
      // The sybils the table could not keep share one overflow record, which they blocked.
      assert.ok(store.stats().riskOverflowed > 0);
      assert.equal(store.consume([], lookup('sybil-new', '10.9.9.0/24')).risk?.enforced.level, 'block');
    });
  }

  it('evicts a record at rest to make room, so a quiet table takes newcomers normally', () => {
    const clock = manualClock(0);
    const store = createMemoryStore({ clock, maxRiskRecords: 100, seed: [13, 3] });
    for (let n = 0; n < 100; n++) store.consume([], lookup(`old-${n}`, '10.0.0.0/24'));
    clock.advance(1000);
    assert.equal(store.consume([], lookup('newcomer', '10.0.1.0/24')).allowed, true);
    assert.equal(store.stats().riskOverflowed, 0);
  });
});
