import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../../src/core/clock.ts';
import { createPipeline } from '../../src/pipeline/pipeline.ts';
import { compilePolicy } from '../../src/policy/index.ts';
import { createMemoryStore } from '../../src/stores/memory-store.ts';

/**
 * Regression (issue 13, item 2): `key: ip` counted every IPv6 address apart, so one /64
 * rotating its addresses got 20,000 of 20,000 requests past a 5/hour limit; and an IPv4
 * client respelt as NAT64, 6to4 or IPv4-compatible IPv6 got a fresh bucket per spelling.
 */
function pipelineFor(key: 'ip' | 'identity') {
  const clock = manualClock(0);
  const policy = compilePolicy(
    `
version: 1
identities:
  apiKeys:
    keys:
      - { id: someone, sha256: ffb4ab2864c006ed9a870db6c3cea7c45ae6a6d91a05195fc4b45b2523fd0e6e }
routes:
  - id: lookup
    match: { method: GET, path: /v1/lookup }
    auth: ${key === 'ip' ? 'none' : 'optional'}
    limits:
      - { key: ${key}, rate: 5/1h }
`,
    { source: 'policy.yaml' },
  );
  const pipeline = createPipeline({ policy, store: createMemoryStore({ clock }), clock });
  return async (remoteAddress: string): Promise<boolean> =>
    (await pipeline.admit({ method: 'GET', url: '/v1/lookup', headers: {}, remoteAddress })).allowed;
}

/** The n-th address of a client rotating inside 2001:db8:7:9::/64. */
function rotating(n: number): string {
  return `2001:db8:7:9:${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}:${((n * 7919) & 0xffff).toString(16)}:1`;
}

const SPELLINGS = [
  '::ffff:192.0.2.33',
  '::192.0.2.33',
  '64:ff9b::192.0.2.33',
  '64:ff9b::c000:221',
  '2002:c000:221::1',
  '2002:c000:221:ffff::9',
];

describe('regression: key ip keys IPv6 by /64 and embedded IPv4 as IPv4', () => {
  for (const key of ['ip', 'identity'] as const) {
    it(`lets 5 of 2,000 rotating addresses in one /64 past a 5/hour key: ${key} limit`, async () => {
      const ask = pipelineFor(key);
      let allowed = 0;
      for (let n = 0; n < 2000; n++) if (await ask(rotating(n))) allowed++;
      assert.equal(allowed, 5);
      assert.equal(await ask('2001:db8:7:a::1'), true, 'the next /64 is another client');
    });

    it(`puts every IPv6 spelling of an IPv4 client in its bucket (key: ${key})`, async () => {
      for (const spelling of SPELLINGS) {
        const ask = pipelineFor(key);
        for (let i = 0; i < 5; i++) assert.equal(await ask('192.0.2.33'), true);
        assert.equal(await ask(spelling), false, spelling);
      }
      const ask = pipelineFor(key);
      for (let i = 0; i < 5; i++) assert.equal(await ask(SPELLINGS[i % SPELLINGS.length]!), true);
      assert.equal(await ask('192.0.2.33'), false);
      assert.equal(await ask('192.0.2.34'), true);
    });
  }
});
