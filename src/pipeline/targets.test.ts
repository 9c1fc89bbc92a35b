import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { manualClock } from '../core/clock.ts';
import { compilePolicy } from '../policy/index.ts';
import { createMemoryStore } from '../stores/memory-store.ts';
import { createPipeline } from './pipeline.ts';
import { isE164, normalizeTarget, normalizeTargets } from './targets.ts';

describe('normalizeTarget', () => {
  it('recognises E.164 exactly as /^\\+[1-9]\\d{6,14}$/ does', () => {
    const oracle = /^\+[1-9]\d{6,14}$/;
    fc.assert(
      fc.property(fc.stringMatching(/^[+0-9a ]{0,18}$/), (text) => {
        assert.equal(isE164(text), oracle.test(text), JSON.stringify(text));
      }),
      { numRuns: 5000 },
    );
    for (const text of [
      '+1234567',
      '+123456789012345',
      '+0123456',
      '+123456',
      '+1234567890123456',
      '1234567',
    ])
      assert.equal(isE164(text), oracle.test(text), text);
  });

  it('keeps a number already in E.164 as it is', () => {
    assert.equal(normalizeTarget('+14155550100'), '+14155550100');
  });

  it('maps formatting variants of one number to the same E.164 string', () => {
    for (const variant of [
      '+1 (415) 555-0100',
      '+1 415 555 0100',
      '+1.415.555.0100',
      '001 415 555 0100',
      '0014155550100',
      ' +1-415-555-0100 ',
    ]) {
      assert.equal(normalizeTarget(variant), '+14155550100', variant);
    }
  });

  it('drops a parenthesized trunk prefix through libphonenumber', () => {
    assert.equal(normalizeTarget('+44 (0)20 7946 0000'), '+442079460000');
  });

  it('lower-cases and trims emails and usernames', () => {
    assert.equal(normalizeTarget('  Alice@Example.COM '), 'alice@example.com');
    assert.equal(normalizeTarget('Bob.42'), 'bob.42');
  });

  it('leaves an invalid "+" string as lower-cased text', () => {
    assert.equal(normalizeTarget('+12'), '+12');
  });
});

describe('normalizeTargets', () => {
  it('ignores non-string items and non-arrays', () => {
    assert.deepEqual(normalizeTargets(['+1 415 555 0100', 7, null, { n: 1 }, 'X']), ['+14155550100', 'x']);
    assert.deepEqual(normalizeTargets('not an array'), []);
    assert.deepEqual(normalizeTargets(undefined), []);
  });
});

describe('a distinct limit through the pipeline', () => {
  const aliceKey = 'alice-test-key';
  const yaml = `
version: 1
identities:
  apiKeys:
    keys:
      - { id: alice, sha256: ${createHash('sha256').update(aliceKey).digest('hex')} }
routes:
  - id: discover
    match: { method: POST, path: /v1/discover }
    rateLimitHeaders: false
    limits:
      - id: new-numbers
        key: identity
        algorithm: gcra
        rate: 6/1h
        burst: 50000
        distinct: /numbers
`;
  const book = Array.from({ length: 50_000 }, (_, i) => `+1415${String(5_000_000 + i)}`);

  function setup() {
    const clock = manualClock(1_000_000);
    const policy = compilePolicy(yaml);
    const pipeline = createPipeline({ policy, store: createMemoryStore({ clock }), clock });
    const sync = (numbers: readonly unknown[]) =>
      pipeline.admit({
        method: 'POST',
        url: '/v1/discover',
        headers: { 'x-api-key': aliceKey },
        remoteAddress: '203.0.113.7',
        body: { numbers },
      });
    return { clock, policy, sync };
  }

  it('compiles to a limit that needs the body', () => {
    const { policy } = setup();
    const route = policy.routes[0];
    assert.equal(route?.needsBody, true);
    assert.deepEqual(route?.limits[0]?.distinct, { pointer: '/numbers' });
  });

  it('allows a 50,000-number sync, re-syncs it for free, then denies 1,000 new numbers', async () => {
    const { sync } = setup();
    assert.equal((await sync(book)).allowed, true);
    for (let i = 0; i < 3; i++) assert.equal((await sync(book)).allowed, true, `re-sync ${i}`);
    const reformatted = book
      .slice(0, 500)
      .map((n) => `${n.slice(0, 2)} (${n.slice(2, 5)}) ${n.slice(5, 8)}-${n.slice(8)}`);
    assert.equal((await sync(reformatted)).allowed, true, 'format variants are not new');
    const fresh = Array.from({ length: 1_000 }, (_, i) => `+1212${String(5_000_000 + i)}`);
    const denied = await sync(fresh);
    assert.equal(denied.allowed, false);
    if (!denied.allowed) assert.equal(denied.response.status, 429);
    // The denied numbers were not remembered, and the known book stays free.
    assert.equal((await sync(book)).allowed, true);
  });

  it('refills 6 new numbers per hour', async () => {
    const { clock, sync } = setup();
    assert.equal((await sync(book)).allowed, true);
    const next = Array.from({ length: 7 }, (_, i) => `+1212${String(5_000_000 + i)}`);
    clock.advance(3_600_000);
    assert.equal((await sync(next)).allowed, false, '7 new after an hour is one too many');
    assert.equal((await sync(next.slice(0, 6))).allowed, true);
    assert.equal((await sync([...book, ...next.slice(0, 6)])).allowed, true);
  });
});
