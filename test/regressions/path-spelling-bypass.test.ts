import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../../src/core/clock.ts';
import { createPipeline } from '../../src/pipeline/pipeline.ts';
import { compilePolicy } from '../../src/policy/index.ts';
import { createMemoryStore } from '../../src/stores/memory-store.ts';

/**
 * Regression: with `unmatched: allow`, a client could respell a limited path
 * ("/v1//lookup", "/v1/%6Cookup", "/v1/x/../lookup") so no route matched, skip the route's
 * limits, and still reach the same handler on an upstream that normalises paths.
 */
describe('regression: path spelling cannot skip a route', () => {
  it('matches every spelling of a limited path to its route', async () => {
    const clock = manualClock(0);
    const policy = compilePolicy(
      `
version: 1
unmatched: allow
routes:
  - id: lookup
    match: { method: GET, path: /v1/lookup }
    auth: none
    limits:
      - { key: ip, rate: 1/1h }
`,
      { source: 'policy.yaml' },
    );
    const pipeline = createPipeline({ policy, store: createMemoryStore({ clock }), clock });
    const ask = (url: string) =>
      pipeline.admit({ method: 'GET', url, headers: {}, remoteAddress: '192.0.2.1' });
    assert.equal((await ask('/v1/lookup')).allowed, true);
    for (const url of ['/v1//lookup', '/v1/%6Cookup', '/v1/x/../lookup', '/v1/./lookup?x=1', '//v1/lookup']) {
      const verdict = await ask(url);
      assert.equal(verdict.route?.id, 'lookup', url);
      assert.equal(verdict.allowed, false, url);
    }
    assert.equal((await ask('/v1/%zz')).allowed, false);
  });
});
