import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type Gateway } from '../../src/gateway/server.ts';
import { compilePolicy } from '../../src/policy/index.ts';
import { startTestGateway } from '../helpers/test-gateway.ts';
import { startEchoUpstream, type EchoUpstream } from '../helpers/echo-upstream.ts';
import { postExpectingContinue } from '../helpers/expect-continue.ts';
import { FULL_KEY, lookupPolicy } from '../helpers/policies.ts';

/**
 * Regression (issue 13, item 8): `Expect: 100-continue`, which curl sends on its own for bodies
 * over 1 MB, got a 502 on every route: the gateway forwarded the Expect field and undici
 * refuses to send it. The gateway now answers the expectation itself: 100 Continue once it is
 * about to read the body, or the final answer alone when it refuses the request without it.
 */
describe('regression: Expect: 100-continue through the gateway', () => {
  let upstream: EchoUpstream;
  let gateway: Gateway;
  let base: string;
  before(async () => {
    upstream = await startEchoUpstream();
    const policy = compilePolicy(lookupPolicy(upstream.url));
    ({ gateway, base } = await startTestGateway(policy, upstream.url));
  });
  after(async () => {
    await gateway.close(100);
    await upstream.close();
  });

  it('streams an admitted body after 100 Continue, without forwarding Expect', async () => {
    const body = Buffer.alloc(32 * 1024, 'a');
    const res = await postExpectingContinue(`${base}/v1/upload`, { method: 'PUT', body });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.continued, true);
    assert.equal((JSON.parse(res.body) as { bytes: number }).bytes, body.length);
    assert.equal(upstream.last()?.headers.expect, undefined);
  });

  it('reads a priced body after 100 Continue and forwards it', async () => {
    const res = await postExpectingContinue(`${base}/v1/contacts/discover`, {
      headers: { 'x-api-key': FULL_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ numbers: ['+1', '+2'] }),
    });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.continued, true);
    assert.equal(upstream.last()?.headers.expect, undefined);
  });

  it('refuses a request by its headers alone with the final answer and no 100', async () => {
    const res = await postExpectingContinue(`${base}/v1/accounts/abc/photo`, {
      method: 'GET',
      body: 'x',
    });
    assert.equal(res.status, 401);
    assert.equal(res.continued, false);
    assert.equal(res.headers.connection, 'close');
  });

  it('refuses a declared body past the limit with 413 and no 100', async () => {
    const res = await postExpectingContinue(`${base}/v1/upload`, {
      method: 'PUT',
      body: Buffer.alloc(2 * 1024 * 1024, 'a'),
    });
    assert.equal(res.status, 413);
    assert.equal(res.continued, false);
    assert.equal(res.headers.connection, 'close');
  });
});
