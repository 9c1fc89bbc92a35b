import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { manualClock, type ManualClock } from '../../src/core/clock.ts';
import { createPipeline, type Pipeline } from '../../src/pipeline/pipeline.ts';
import type { Admission } from '../../src/pipeline/types.ts';
import { compilePolicy } from '../../src/policy/index.ts';
import { createMemoryStore } from '../../src/stores/memory-store.ts';

/**
 * Regression (issue 13, item 6): 24,000 junk-credential requests got no 429, and each one's
 * verification cost CPU. Failed authentications are now counted per client address
 * (`identities.failedAuth`, default 20 a minute, burst 20); an address past its limit gets
 * 429 with Retry-After before its credential is verified.
 */
const T0 = Date.parse('2026-01-01T00:00:00Z');
const SECRET = 'a-test-secret-that-is-at-least-32-bytes-long';
const ATTACKER = '192.0.2.1';

function policyText(failedAuth: string): string {
  return `
version: 1
identities:
  jwt: { algorithms: [HS256], secret: ${SECRET} }${failedAuth}
routes:
  - id: profile
    match: { method: GET, path: /v1/profile }
    auth: required
`;
}

interface Harness {
  readonly pipeline: Pipeline;
  readonly clock: ManualClock;
  /** How many times a credential was looked at (the verifier reads the header once a call). */
  verifications: number;
}

function harness(failedAuth = '\n  failedAuth: { rate: 3/1m, burst: 3 }'): Harness {
  const clock = manualClock(T0);
  const policy = compilePolicy(policyText(failedAuth), { source: 'policy.yaml' });
  return {
    pipeline: createPipeline({ policy, store: createMemoryStore({ clock }), clock }),
    clock,
    verifications: 0,
  };
}

function admit(h: Harness, token: string, remoteAddress = ATTACKER): Promise<Admission> {
  const headers = new Proxy(
    { authorization: `Bearer ${token}` },
    {
      get(target, name) {
        if (name === 'authorization') h.verifications++;
        return Reflect.get(target, name) as unknown;
      },
    },
  );
  return Promise.resolve(h.pipeline.admit({ method: 'GET', url: '/v1/profile', headers, remoteAddress }));
}

const good = () =>
  new SignJWT({ sub: 'alice' })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt(T0 / 1000)
    .setExpirationTime(T0 / 1000 + 3600)
    .sign(new TextEncoder().encode(SECRET));
const JUNK = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtYWxsb3J5In0.bm90LWEtc2lnbmF0dXJl';

function status(a: Admission): number {
  return a.allowed ? 200 : a.response.status;
}

async function failTimes(h: Harness, n: number, address = ATTACKER): Promise<void> {
  for (let i = 0; i < n; i++) assert.equal(status(await admit(h, JUNK, address)), 401, `failure ${i + 1}`);
}

describe('regression: invalid credentials are throttled per client address', () => {
  it('answers 429 with Retry-After after the burst of failures, without verifying the credential', async () => {
    const h = harness();
    await failTimes(h, 3);
    assert.equal(h.verifications, 3);
    const a = await admit(h, JUNK);
    assert.ok(!a.allowed);
    assert.equal(a.response.status, 429);
    // 3 a minute: the next unit is due 20 s after the third failure.
    assert.equal(a.response.headers['retry-after'], '20');
    assert.equal((JSON.parse(a.response.body) as { code: string }).code, 'quota-exceeded');
    assert.equal(a.decision.reason, 'quota-exceeded');
    assert.equal(h.verifications, 3, 'the verifier was not called for the refused request');
    // A good credential from that address is refused unread too: the address is in the box.
    assert.equal(status(await admit(h, await good())), 429);
    assert.equal(h.verifications, 3);
  });

  it('leaves another address with a good credential alone', async () => {
    const h = harness();
    await failTimes(h, 3);
    assert.equal(status(await admit(h, JUNK)), 429);
    assert.equal(status(await admit(h, await good(), '198.51.100.7')), 200);
  });

  it('verifies again once the next failure is due (manual clock)', async () => {
    const h = harness();
    await failTimes(h, 3);
    h.clock.advance(19_999);
    assert.equal(status(await admit(h, JUNK)), 429);
    h.clock.advance(1);
    assert.equal(status(await admit(h, await good())), 200);
    assert.equal(h.verifications, 4);
    // One unit came back and the good request spent none: one more failure, then the box.
    await failTimes(h, 1);
    assert.equal(status(await admit(h, JUNK)), 429);
    h.clock.advance(60_000);
    await failTimes(h, 3);
  });

  it('counts an IPv6 client by its /64', async () => {
    const h = harness();
    await failTimes(h, 1, '2001:db8:1:2::a');
    await failTimes(h, 1, '2001:db8:1:2::b');
    await failTimes(h, 1, '2001:db8:1:2:ffff::1');
    assert.equal(status(await admit(h, JUNK, '2001:db8:1:2::c')), 429);
    assert.equal(status(await admit(h, JUNK, '2001:db8:1:3::c')), 401);
  });

  it('throttles by default at 20 failures a minute, and not at all with failedAuth: false', async () => {
    const byDefault = harness('');
    await failTimes(byDefault, 20);
    assert.equal(status(await admit(byDefault, JUNK)), 429);
    const off = harness('\n  failedAuth: false');
    await failTimes(off, 30);
    assert.equal(off.verifications, 30);
  });

  it('refuses a malformed failedAuth with located messages', () => {
    const message = (failedAuth: string) => {
      try {
        compilePolicy(policyText(`\n  failedAuth: ${failedAuth}`), { source: 'policy.yaml' });
        return 'compiled';
      } catch (err) {
        return (err as Error).message;
      }
    };
    assert.equal(
      message('true'),
      'policy.yaml:5 identities.failedAuth: expected false or { rate, burst }, got true',
    );
    assert.equal(
      message('{ rate: lots }'),
      'policy.yaml:5 identities.failedAuth.rate: expected "<n>/<duration>" like "1000/1h", got "lots"',
    );
    assert.equal(
      message('{ rate: 5/1m, burst: 0 }'),
      'policy.yaml:5 identities.failedAuth.burst: expected a positive integer, got 0',
    );
    assert.equal(
      message('{ rate: 5/1m, window: 1m }'),
      'policy.yaml:5 identities.failedAuth.window: unknown key "window"; expected one of rate, burst',
    );
  });
});
