import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { manualClock } from '../../src/core/clock.ts';
import { createPipeline } from '../../src/pipeline/pipeline.ts';
import { compilePolicy } from '../../src/policy/index.ts';
import { createMemoryStore } from '../../src/stores/memory-store.ts';

/**
 * Regression (issue 13, item 7): a token without `exp` was accepted, so a leaked token stayed
 * valid forever. `exp` is now required unless the policy sets `identities.jwt.requireExp: false`.
 */
const T0 = Date.parse('2026-01-01T00:00:00Z');
const SECRET = 'a-test-secret-that-is-at-least-32-bytes-long';

function policyText(requireExp: string): string {
  return `
version: 1
identities:
  jwt: { algorithms: [HS256], secret: ${SECRET}${requireExp} }
routes:
  - id: profile
    match: { method: GET, path: /v1/profile }
    auth: required
`;
}

function admit(requireExp: string, token: string) {
  const clock = manualClock(T0);
  const policy = compilePolicy(policyText(requireExp), { source: 'policy.yaml' });
  const pipeline = createPipeline({ policy, store: createMemoryStore({ clock }), clock });
  return pipeline.admit({
    method: 'GET',
    url: '/v1/profile',
    headers: { authorization: `Bearer ${token}` },
    remoteAddress: '192.0.2.1',
  });
}

const sign = (withExp: boolean) => {
  const jwt = new SignJWT({ sub: 'alice' }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(T0 / 1000);
  if (withExp) jwt.setExpirationTime(T0 / 1000 + 3600);
  return jwt.sign(new TextEncoder().encode(SECRET));
};

describe('regression: a JWT without exp is refused by default', () => {
  it('answers 401 problem+json saying exp is missing, without echoing the token', async () => {
    const token = await sign(false);
    const a = await admit('', token);
    assert.equal(a.allowed, false);
    assert.ok(!a.allowed);
    assert.equal(a.response.status, 401);
    assert.match(a.response.headers['www-authenticate'] ?? '', /^Bearer /);
    const body = JSON.parse(a.response.body) as { detail: string };
    assert.equal(body.detail, 'token has no "exp" claim; tokens must expire');
    assert.ok(!a.response.body.includes(token.split('.')[1] ?? token));
  });

  it('still accepts a token with exp', async () => {
    assert.equal((await admit('', await sign(true))).allowed, true);
  });

  it('accepts a token without exp when the policy opts out with requireExp: false', async () => {
    assert.equal((await admit(', requireExp: false', await sign(false))).allowed, true);
  });

  it('refuses a requireExp that is not a boolean with a located message', () => {
    assert.throws(
      () => compilePolicy(policyText(', requireExp: "no"'), { source: 'policy.yaml' }),
      (err: Error) =>
        err.message === 'policy.yaml:4 identities.jwt.requireExp: expected true or false, got "no"',
    );
  });
});
