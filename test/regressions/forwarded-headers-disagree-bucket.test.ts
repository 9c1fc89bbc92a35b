import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../../src/core/clock.ts';
import { createPipeline } from '../../src/pipeline/pipeline.ts';
import { compilePolicy } from '../../src/policy/index.ts';
import { createMemoryStore } from '../../src/stores/memory-store.ts';
import type { Admission, PlainRequest } from '../../src/pipeline/types.ts';

type HeaderMap = PlainRequest['headers'];

/**
 * Regression (issue 13, item 5): behind a trusted proxy, a request whose `Forwarded` and
 * `X-Forwarded-For` named different clients was keyed by the proxy's own address. A client
 * that had spent its budget added a `Forwarded` header its proxy passed through untouched and
 * got the proxy's bucket: a fresh budget, shared with (and spendable against) everyone
 * behind that proxy. Such a request is now refused with a 400 and charges no bucket.
 */
function pipelineFor() {
  const clock = manualClock(0);
  const policy = compilePolicy(
    `
version: 1
server:
  trustedProxies: [10.0.0.0/8]
routes:
  - id: lookup
    match: { method: GET, path: /v1/lookup }
    auth: none
    limits:
      - { key: ip, rate: 3/1h }
`,
    { source: 'policy.yaml' },
  );
  const pipeline = createPipeline({ policy, store: createMemoryStore({ clock }), clock });
  return (headers: HeaderMap) =>
    pipeline.admit({ method: 'GET', url: '/v1/lookup', headers, remoteAddress: '10.0.0.2' });
}

/** The refusal's status and body; an allowed request has neither. */
function refusal(a: Admission): { status: number; body: string } | undefined {
  return a.allowed ? undefined : { status: a.response.status, body: a.response.body };
}

// The proxy (10.0.0.2) appends the client's address to X-Forwarded-For, passes Forwarded through.
const CLIENT = { 'x-forwarded-for': '198.51.100.7' };
const DISAGREEING: readonly HeaderMap[] = [
  { forwarded: 'for=6.6.6.6', 'x-forwarded-for': '198.51.100.7' },
  { forwarded: 'for=unknown', 'x-forwarded-for': '198.51.100.7' },
  { forwarded: 'for=_anything', 'x-forwarded-for': '198.51.100.7' },
  { forwarded: 'nonsense', 'x-forwarded-for': '198.51.100.7' },
  { forwarded: 'for=10.0.0.99', 'x-forwarded-for': '198.51.100.7' },
  { forwarded: 'for=198.51.100.7', 'x-forwarded-for': 'garbage, 10.0.0.3' },
];

describe('regression: disagreeing forwarded headers do not open a second bucket', () => {
  it('gives a client that spent its budget no fresh one by adding a disagreeing header', async () => {
    const admit = pipelineFor();
    for (let i = 0; i < 3; i++) assert.equal((await admit(CLIENT)).allowed, true);
    assert.equal((await admit(CLIENT)).allowed, false);
    for (const headers of DISAGREEING) {
      assert.equal(refusal(await admit(headers))?.status, 400, JSON.stringify(headers));
    }
  });

  it('refuses disagreeing headers with a 400 naming the disagreement, not the addresses', async () => {
    const admit = pipelineFor();
    for (const headers of DISAGREEING) {
      const answer = refusal(await admit(headers));
      assert.equal(answer?.status, 400);
      const body = answer?.body ?? '';
      assert.match(body, /Forwarded and X-Forwarded-For/);
      assert.doesNotMatch(body, /6\.6\.6\.6|198\.51\.100\.7|10\.0\.0\./);
    }
    // Refusals charged no bucket: neither the client's nor the proxy's.
    for (let i = 0; i < 3; i++) assert.equal((await admit(CLIENT)).allowed, true);
    assert.equal((await admit({})).allowed, true, 'the proxy address itself still has its budget');
  });

  it('still admits agreeing headers as the one client they name', async () => {
    const admit = pipelineFor();
    const agreeing = { forwarded: 'for=198.51.100.7', 'x-forwarded-for': '198.51.100.7' };
    for (let i = 0; i < 3; i++) assert.equal((await admit(i === 1 ? agreeing : CLIENT)).allowed, true);
    assert.equal((await admit(agreeing)).allowed, false);
  });
});
