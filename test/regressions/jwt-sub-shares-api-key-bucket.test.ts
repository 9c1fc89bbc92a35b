import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { manualClock } from '../../src/core/clock.ts';
import { apiKeyDigest } from '../../src/identity/api-keys.ts';
import type { Identity } from '../../src/identity/types.ts';
import { createPipeline } from '../../src/pipeline/pipeline.ts';
import { createRiskGate } from '../../src/pipeline/risk-gate.ts';
import { compilePolicy } from '../../src/policy/index.ts';
import { createMemoryStore } from '../../src/stores/memory-store.ts';

/**
 * Regression (issue 13, item 4): the `identity` key was the bare id, so a JWT with `sub: alice`
 * spent the API key "alice"'s budget, reused its remembered targets, and shared its risk score:
 * anyone able to get a token with a chosen subject could exhaust or block a partner's key.
 */
const T0 = Date.parse('2026-01-01T00:00:00Z');
const SECRET = 'a-test-secret-that-is-at-least-32-bytes-long';
const ALICE_KEY = 'key-of-alice';

const POLICY = `
version: 1
identities:
  apiKeys:
    keys:
      - { id: alice, sha256: ${apiKeyDigest(ALICE_KEY)} }
  jwt: { algorithms: [HS256], secret: ${SECRET} }
risk:
  identity: identity
  thresholds: { block: 100 }
routes:
  - id: discover
    match: { method: POST, path: /v1/contacts/discover }
    auth: required
    limits:
      - { id: per-identity, key: identity, rate: 2/1h, distinct: /numbers }
`;

function token(sub: string): Promise<string> {
  return new SignJWT({ sub })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime(T0 / 1000 + 3600)
    .sign(new TextEncoder().encode(SECRET));
}

function world() {
  const clock = manualClock(T0);
  const policy = compilePolicy(POLICY, { source: 'policy.yaml' });
  const store = createMemoryStore({ clock });
  const pipeline = createPipeline({ policy, store, clock });
  const ask = async (headers: Record<string, string>, numbers: string[]) =>
    pipeline.admit({
      method: 'POST',
      url: '/v1/contacts/discover',
      headers: { 'content-type': 'application/json', ...headers },
      body: { numbers },
      remoteAddress: '192.0.2.1',
    });
  return { policy, store, ask };
}

describe('regression: a JWT subject never shares an API key id bucket', () => {
  it('keeps limits and distinct targets apart for key "alice" and sub "alice"', async () => {
    const w = world();
    const key = { 'x-api-key': ALICE_KEY };
    const jwt = { authorization: `Bearer ${await token('alice')}` };
    assert.equal((await w.ask(key, ['+14155550100', '+14155550101'])).allowed, true);
    // The token's alice has asked nothing yet: its own two targets fit its own budget...
    assert.equal((await w.ask(jwt, ['+14155550102', '+14155550103'])).allowed, true);
    // ...and the key's known targets are new to it, so they cost (and its budget is spent).
    assert.equal((await w.ask(jwt, ['+14155550100'])).allowed, false);
    // The key's targets are still free for the key, a new one is not.
    assert.equal((await w.ask(key, ['+14155550100', '+14155550101'])).allowed, true);
    assert.equal((await w.ask(key, ['+14155550104'])).allowed, false);
  });

  it('blocks the API key without blocking the token of the same name', async () => {
    const w = world();
    const gate = createRiskGate(w.policy.risk!);
    const keyAlice: Identity = { kind: 'api-key', id: 'alice', scopes: new Set(), claims: {} };
    const lookup = gate.lookupFor({ ip: '192.0.2.1', identity: keyAlice }, {});
    assert.ok(lookup);
    const layers = { identity: 1, ipPrefix: 0, cohort: 0 };
    w.store.signal(lookup, { weight: 1000, layers, shadow: false });
    const blocked = await w.ask({ 'x-api-key': ALICE_KEY }, ['+14155550100']);
    assert.equal(blocked.allowed, false);
    const jwt = { authorization: `Bearer ${await token('alice')}` };
    assert.equal((await w.ask(jwt, ['+14155550100'])).allowed, true);
  });
});

describe('regression: a risk allowlist entry names one kind of identity', () => {
  const allowlisted = (entries: string) => {
    const policy = compilePolicy(
      POLICY.replace('  thresholds:', `  allowlist: { identities: ${entries} }\n  thresholds:`),
      {
        source: 'policy.yaml',
      },
    );
    const gate = createRiskGate(policy.risk!);
    return (kind: Identity['kind'], id: string) =>
      gate.lookupFor({ ip: '192.0.2.1', identity: { kind, id, scopes: new Set(), claims: {} } }, {}) ===
      undefined;
  };

  it('reads a bare API key id as that key only, never as a token subject', () => {
    const isAllowed = allowlisted('[alice, bob]');
    assert.equal(isAllowed('api-key', 'alice'), true);
    assert.equal(isAllowed('jwt', 'alice'), false);
    // No API key is called bob: the bare name is a token subject.
    assert.equal(isAllowed('jwt', 'bob'), true);
    assert.equal(isAllowed('api-key', 'bob'), false);
  });

  it('takes a namespaced entry as written', () => {
    const isAllowed = allowlisted('["jwt:alice"]');
    assert.equal(isAllowed('jwt', 'alice'), true);
    assert.equal(isAllowed('api-key', 'alice'), false);
  });
});
