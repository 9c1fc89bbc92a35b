import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import { manualClock } from '../core/clock.ts';
import type { IdentitiesConfig } from '../policy/types.ts';
import { createIdentifier } from './identify.ts';

const T0 = Date.parse('2025-06-01T00:00:00Z');
const SECRET = 'a-test-secret-that-is-at-least-32-bytes-long';

const CONFIG: IdentitiesConfig = {
  apiKeys: {
    header: 'x-api-key',
    keys: [{ id: 'alice', sha256: createHash('sha256').update('key-alice').digest('hex'), scopes: ['a'] }],
  },
  jwt: {
    algorithms: ['HS256'],
    key: { kind: 'secret', secret: SECRET },
    issuer: undefined,
    audience: undefined,
    clockToleranceMs: 0,
    identityClaim: 'sub',
    scopesClaim: 'scope',
    requireExp: true,
  },
  failedAuth: undefined,
};

function token(sub: string): Promise<string> {
  return new SignJWT({ sub, scope: 'b c' })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime(T0 / 1000 + 60)
    .sign(new TextEncoder().encode(SECRET));
}

describe('createIdentifier', () => {
  const identifier = createIdentifier(CONFIG, manualClock(T0));

  it('is anonymous without credentials', async () => {
    assert.deepEqual(await identifier.identify({}), { kind: 'anonymous' });
  });

  it('identifies an API key', async () => {
    const r = await identifier.identify({ 'x-api-key': 'key-alice' });
    assert.ok(r.kind === 'identified');
    assert.equal(r.identity.kind, 'api-key');
    assert.equal(r.identity.id, 'alice');
  });

  it('identifies a JWT', async () => {
    const r = await identifier.identify({ authorization: `Bearer ${await token('bob')}` });
    assert.ok(r.kind === 'identified');
    assert.equal(r.identity.kind, 'jwt');
    assert.equal(r.identity.id, 'bob');
    assert.deepEqual([...r.identity.scopes], ['b', 'c']);
  });

  it('tries the API key before the JWT', async () => {
    const r = await identifier.identify({
      'x-api-key': 'key-alice',
      authorization: `Bearer ${await token('bob')}`,
    });
    assert.ok(r.kind === 'identified');
    assert.equal(r.identity.id, 'alice');
  });

  it('reports a bad API key instead of falling through to the JWT or anonymous', async () => {
    const r = await identifier.identify({
      'x-api-key': 'key-mallory',
      authorization: `Bearer ${await token('bob')}`,
    });
    assert.deepEqual(r, { kind: 'invalid', detail: 'unknown API key' });
  });

  it('reports a bad JWT without echoing it', async () => {
    const r = await identifier.identify({ authorization: 'Bearer secret-looking-garbage' });
    assert.deepEqual(r, { kind: 'invalid', detail: 'malformed token' });
  });

  it('ignores credential kinds the policy does not configure', async () => {
    const none = createIdentifier(
      { apiKeys: undefined, jwt: undefined, failedAuth: undefined },
      manualClock(T0),
    );
    assert.deepEqual(await none.identify({ 'x-api-key': 'key-alice', authorization: 'Bearer x' }), {
      kind: 'anonymous',
    });
  });
});
