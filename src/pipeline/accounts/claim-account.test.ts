import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { manualClock } from '../../core/clock.ts';
import { compilePolicy } from '../../policy/index.ts';
import { createMemoryStore } from '../../stores/memory-store.ts';
import { createPipeline } from '../pipeline.ts';
import type { PlainRequest, PlainResponse } from '../types.ts';

/** With `accounts.claim`, the account is the JWT claim's number: two tokens of one number share its budget. */
const SECRET = 'a-test-secret-that-is-at-least-32-bytes-long';

const POLICY = `version: 1
identities:
  jwt: { algorithms: [HS256], secret: ${SECRET} }
accounts:
  claim: phone_number
contacts:
  bootstrap: 0
  budget: [{ trust: 0, rate: 1/1d, burst: 2 }]
routes:
  - id: discover
    match: { method: POST, path: /v1/contacts/discover }
    targets: /numbers
    reveal: { records: /contacts, number: number }
`;

async function token(sub: string, phone: string, now: number): Promise<string> {
  return new SignJWT({ sub, phone_number: phone })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt(Math.floor(now / 1000))
    .setExpirationTime(Math.floor(now / 1000) + 3600)
    .sign(new TextEncoder().encode(SECRET));
}

describe('accounts named by a JWT claim', () => {
  it('charges every token of one number to that number, whatever its subject', async () => {
    const clock = manualClock(Date.now());
    const pipeline = createPipeline({
      policy: compilePolicy(POLICY),
      store: createMemoryStore({ clock, seed: [1, 2] }),
      clock,
      seed: 3,
    });
    const upstream = (req: PlainRequest): Promise<PlainResponse> => {
      const numbers = (req.body as { numbers: string[] }).numbers;
      const json = { contacts: numbers.map((n) => ({ number: n, accountId: n.slice(1) })) };
      return Promise.resolve({
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(json),
        json,
      });
    };
    const lookup = async (jwt: string, numbers: string[]): Promise<number> => {
      const res = await pipeline.handle(
        {
          method: 'POST',
          url: '/v1/contacts/discover',
          headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
          remoteAddress: '10.0.0.1',
          body: { numbers },
        },
        upstream,
      );
      assert.equal(res.status, 200);
      return ((res.json as { contacts: unknown[] }).contacts ?? []).length;
    };
    const phone = '+14155550100';
    assert.equal(
      await lookup(await token('device-a', phone, clock.now()), ['+14155550001', '+14155550002']),
      2,
    );
    // Another device (another subject) of the same number finds the budget spent.
    assert.equal(await lookup(await token('device-b', phone, clock.now()), ['+14155550003']), 0);
    // Another number has its own.
    assert.equal(await lookup(await token('device-c', '+14155550200', clock.now()), ['+14155550003']), 1);
  });
});
