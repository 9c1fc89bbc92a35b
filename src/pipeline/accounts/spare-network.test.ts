import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../../core/clock.ts';
import { compilePolicy } from '../../policy/index.ts';
import { createMemoryStore } from '../../stores/memory-store.ts';
import { createMemoryContactGraph } from '../../stores/contact-graph/memory-contact-graph.ts';
import { createPipeline } from '../pipeline.ts';
import type { PlainRequest, PlainResponse } from '../types.ts';

/**
 * A network's penalty falls on its new and low-trust accounts, never on an established
 * (anchored) account behind the same address: the carrier-grade NAT a scanner hides behind.
 */
const DAY = 86_400_000;
const CANARY = '+61491570006';

const POLICY = `version: 1
unmatched: allow
accounts:
  register: { route: register, number: /number, token: /token }
contacts:
  bootstrap: 0
  budget: [{ trust: 0, rate: 10/1d, burst: 10 }]
risk:
  identity: account
  layers: { identity: 1, ipPrefix: 1, cohort: 0 }
routes:
  - id: register
    match: { method: POST, path: /v1/accounts }
    auth: none
  - id: discover
    match: { method: POST, path: /v1/contacts/discover }
    auth: none
    targets: /numbers
    detect:
      canaries: { weight: 100, numbers: ['${CANARY}'] }
    reveal: { records: /contacts, number: number }
`;

describe('network penalties spare established accounts', () => {
  it('serves an anchored account behind a blocked network and refuses a new one there', async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1));
    let seedFp = -1;
    const graph = createMemoryContactGraph({
      config: { maxPerAccount: 100, maxAccounts: 100, forgetAfterMs: 180 * DAY, bootstrapMs: 0, anchorAt: 3 },
      sessions: { forgetAfterMs: DAY, max: 100 },
      seed: [5, 6],
      createdAt: clock.now(),
      history: { holds: () => false, isSeed: (fp) => fp === seedFp },
    });
    seedFp = graph.fingerprint('+14155550001');
    const pipeline = createPipeline({
      policy: compilePolicy(POLICY),
      store: createMemoryStore({ clock, seed: [1, 2] }),
      clock,
      seed: 3,
      contactGraph: graph,
    });
    let tokens = 0;
    const upstream = (req: PlainRequest): Promise<PlainResponse> => {
      const json = req.url === '/v1/accounts' ? { token: `t${++tokens}` } : { contacts: [] };
      return Promise.resolve({
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(json),
        json,
      });
    };
    const send = (url: string, body: unknown, authorization?: string) =>
      pipeline.handle(
        {
          method: 'POST',
          url,
          headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
          remoteAddress: '100.64.0.7',
          body,
        },
        upstream,
      );
    const register = async (number: string): Promise<string> =>
      `Bearer ${((await send('/v1/accounts', { number })).json as { token: string }).token}`;

    const established = await register('+14155550001');
    const newcomer = await register('+14155550002');
    const scanner = await register('+99900000001');
    // The scanner trips the canary: its account and its /24 are blocked, sign-ups there too.
    assert.equal((await send('/v1/contacts/discover', { numbers: [CANARY] }, scanner)).status, 403);
    assert.equal((await send('/v1/accounts', { number: '+14155550003' })).status, 403);
    assert.equal((await send('/v1/contacts/discover', { numbers: ['+14155550009'] }, newcomer)).status, 403);
    assert.equal(
      (await send('/v1/contacts/discover', { numbers: ['+14155550009'] }, established)).status,
      200,
    );
  });
});
