import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../../src/core/clock.ts';
import { createPipeline } from '../../src/pipeline/pipeline.ts';
import { compilePolicy } from '../../src/policy/index.ts';
import { createMemoryStore } from '../../src/stores/memory-store.ts';

/**
 * Regression: the signal-cdsi and incremental-cd baselines key each account by its
 * Authorization header. The service reads "bearer T", "Bearer  T" and "Bearer T " as the same
 * token, so a client respelling the header got a fresh bucket on every request.
 */
describe('regression: spelling of a keyed header cannot skip its limit', () => {
  it('puts every spelling of one bearer credential in one bucket, and other tokens apart', async () => {
    const clock = manualClock(0);
    const policy = compilePolicy(
      `
version: 1
unmatched: allow
routes:
  - id: discover
    match: { method: POST, path: /v1/contacts/discover }
    auth: none
    limits:
      - { id: per-account, key: { header: authorization }, rate: 1/1h }
`,
      { source: 'policy.yaml' },
    );
    const pipeline = createPipeline({ policy, store: createMemoryStore({ clock }), clock });
    const ask = (authorization: string) =>
      pipeline.admit({
        method: 'POST',
        url: '/v1/contacts/discover',
        headers: { authorization },
        remoteAddress: '192.0.2.1',
      });
    assert.equal((await ask('Bearer rt_abc')).allowed, true);
    for (const spelling of ['bearer rt_abc', 'Bearer  rt_abc', 'Bearer rt_abc ', ' BEARER\trt_abc'])
      assert.equal((await ask(spelling)).allowed, false, JSON.stringify(spelling));
    // The token itself stays case-sensitive: another token is another account.
    assert.equal((await ask('Bearer RT_ABC')).allowed, true);
  });
});
