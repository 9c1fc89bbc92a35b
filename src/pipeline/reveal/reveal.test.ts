import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../../core/clock.ts';
import { compilePolicy } from '../../policy/index.ts';
import { createMemoryStore } from '../../stores/memory-store.ts';
import { createMemoryContactGraph } from '../../stores/contact-graph/memory-contact-graph.ts';
import type { GraphHistory } from '../../stores/contact-graph/contact-graph.ts';
import { createPipeline } from '../pipeline.ts';
import type { PlainRequest, PlainResponse } from '../types.ts';
import { DEFERRED_HEADER } from './reveal-plan.ts';
import type { PopulationSurge } from './surge-signal.ts';

/**
 * Mutual-first reveals and budgets that follow the account, through the pipeline's in-process
 * path: a fake contact-discovery service where every number in `registered` is an account.
 */
const DAY = 86_400_000;

const POLICY = `version: 1
unmatched: allow
accounts:
  register: { route: register, number: /number, token: /token }
contacts:
  bootstrap: 0
  anchorAt: 2
  budget:
    - { trust: 0, rate: 1/1d, burst: 2 }
    - { trust: 2, rate: 100/1d, burst: 100 }
routes:
  - id: register
    match: { method: POST, path: /v1/accounts }
    auth: none
  - id: discover
    match: { method: POST, path: /v1/contacts/discover }
    auth: none
    targets: /numbers
    reveal: { records: /contacts, number: number }
`;

function num(i: number): string {
  return `+1415555${String(i).padStart(4, '0')}`;
}

function world(history?: GraphHistory, extraContacts = '') {
  const clock = manualClock(Date.UTC(2026, 0, 1));
  const text = POLICY.replace('  anchorAt: 2\n', `  anchorAt: 2\n${extraContacts}`);
  const policy = compilePolicy(text, { source: 'policy.yaml' });
  const graph = createMemoryContactGraph({
    config: { maxPerAccount: 1000, maxAccounts: 1000, forgetAfterMs: 180 * DAY, bootstrapMs: 0, anchorAt: 2 },
    sessions: { forgetAfterMs: 90 * DAY, max: 1000 },
    seed: [3, 4],
    createdAt: clock.now(),
    ...(history ? { history } : {}),
  });
  const pipeline = createPipeline({
    policy,
    store: createMemoryStore({ clock, seed: [1, 2] }),
    clock,
    seed: 7,
    contactGraph: graph,
    onSurge: (s) => surges.push(s),
  });
  const surges: PopulationSurge[] = [];
  const registered = new Set<string>();
  let sessions = 0;
  const upstream = (req: PlainRequest): Promise<PlainResponse> => {
    if (req.url === '/v1/accounts') {
      const number = (req.body as { number: string }).number;
      registered.add(number);
      const json = { token: `t${++sessions}` };
      return Promise.resolve({
        status: 201,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(json),
        json,
      });
    }
    const asked = (req.body as { numbers: string[] }).numbers;
    const json = {
      contacts: asked.filter((n) => registered.has(n)).map((n) => ({ number: n, accountId: n.slice(1) })),
    };
    return Promise.resolve({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(json),
      json,
    });
  };
  const register = async (number: string): Promise<string> => {
    const res = await pipeline.handle(
      {
        method: 'POST',
        url: '/v1/accounts',
        headers: { 'content-type': 'application/json' },
        remoteAddress: '10.0.0.1',
        body: { number },
      },
      upstream,
    );
    assert.equal(res.status, 201);
    return `Bearer ${(res.json as { token: string }).token}`;
  };
  const lookup = async (session: string, numbers: string[]) => {
    const res = await pipeline.handle(
      {
        method: 'POST',
        url: '/v1/contacts/discover',
        headers: { authorization: session, 'content-type': 'application/json' },
        remoteAddress: '10.0.0.1',
        body: { numbers },
      },
      upstream,
    );
    const found = ((res.json as { contacts?: { number: string }[] } | undefined)?.contacts ?? []).map(
      (c) => c.number,
    );
    return { status: res.status, found, deferred: res.headers[DEFERRED_HEADER] };
  };
  return { clock, registered, register, lookup, graph, surges };
}

describe('mutual-first reveals', () => {
  it('reveals at once an account that holds the caller number, and charges nothing for it', async () => {
    const w = world();
    const alice = await w.register(num(1));
    const bob = await w.register(num(2));
    // Bob's book holds Alice's number: his lookup records it.
    await w.lookup(bob, [num(1)]);
    for (let i = 10; i < 20; i++) w.registered.add(num(i));
    // Alice's budget is 2; Bob is mutual and free, so two strangers still fit beside him.
    const r = await w.lookup(alice, [num(2), num(10), num(11), num(12)]);
    assert.deepEqual(r.found, [num(2), num(10), num(11)]);
  });

  it('reveals other registered numbers from the budget and says when to ask again', async () => {
    const w = world();
    const mallory = await w.register(num(1));
    for (let i = 10; i < 20; i++) w.registered.add(num(i));
    const asked = Array.from({ length: 10 }, (_, i) => num(10 + i));
    const first = await w.lookup(mallory, asked);
    assert.equal(first.found.length, 2);
    assert.equal(first.deferred, '86400');
    // Asking again at once reveals the two already shown, and nothing new.
    const again = await w.lookup(mallory, asked);
    assert.deepEqual(again.found, first.found);
    w.clock.advance(1 * DAY);
    const later = await w.lookup(mallory, asked);
    assert.equal(later.found.length, 3);
  });

  it('sends the deferred header alike whether records were withheld or not', async () => {
    const w = world();
    w.registered.add(num(10));
    w.registered.add(num(11));
    w.registered.add(num(12));
    const exact = await w.lookup(await w.register(num(1)), [num(10), num(11)]);
    const over = await w.lookup(await w.register(num(2)), [num(10), num(11), num(12)]);
    assert.equal(exact.found.length, 2);
    assert.equal(over.found.length, 2);
    assert.equal(exact.deferred, over.deferred);
    assert.equal(exact.status, over.status);
  });

  it('keeps the budget with the account when the number registers again', async () => {
    const w = world();
    for (let i = 10; i < 20; i++) w.registered.add(num(i));
    const first = await w.register(num(1));
    assert.equal((await w.lookup(first, [num(10), num(11), num(12)])).found.length, 2);
    const second = await w.register(num(1));
    assert.notEqual(second, first);
    const r = await w.lookup(second, [num(13), num(14)]);
    assert.deepEqual(r.found, []);
    assert.equal(r.deferred, '86400');
  });

  it('counts no vouchers from accounts that are not anchored', async () => {
    // Numbers 1 and 2 hold number 3, but neither is a seed nor vouched for.
    const w = world();
    const seeds = [num(1), num(2)];
    for (const s of seeds) {
      const session = await w.register(s);
      await w.lookup(session, [num(3)]);
    }
    // Without anchored vouchers number 3 stays at trust 0, budget 2.
    for (let i = 10; i < 20; i++) w.registered.add(num(i));
    const asked = Array.from({ length: 10 }, (_, i) => num(10 + i));
    const carol = await w.register(num(3));
    assert.equal((await w.lookup(carol, [...seeds, ...asked])).found.length, 2 + 2);
  });

  it('trusts an account vouched for by seeds, and a ring of fakes vouches for nothing', async () => {
    const seedNumbers = new Set([num(1), num(2)]);
    const w = world();
    const history: GraphHistory = {
      holds: () => false,
      isSeed: (fp) => [...seedNumbers].some((n) => w.graph.fingerprint(n) === fp),
    };
    const v = world(history);
    for (const s of seedNumbers) await v.lookup(await v.register(s), [num(3)]);
    for (let i = 10; i < 30; i++) v.registered.add(num(i));
    const asked = Array.from({ length: 20 }, (_, i) => num(10 + i));
    const carol = await v.register(num(3));
    // Both seeds hold Carol's number: trust 2, the 100-reveal tier, in this very lookup.
    const r = await v.lookup(carol, [...seedNumbers, ...asked]);
    assert.equal(r.found.length, 22);
    assert.equal(r.deferred, undefined);

    // Fakes 50..53 all look each other up: mutual inside the ring, trust 0 for each.
    const ring = [50, 51, 52, 53].map(num);
    const sessions = [];
    for (const n of ring) sessions.push(await v.register(n));
    for (const [i, s] of sessions.entries())
      await v.lookup(
        s,
        ring.filter((_, j) => j !== i),
      );
    // The ring is revealed to its members for free, but the strangers come only from a budget
    // of trust 0, spent during the setup: none of them.
    const fake = await v.lookup(sessions[0] as string, [...ring.slice(1), ...asked]);
    assert.deepEqual(fake.found, ring.slice(1));
    assert.equal(fake.deferred, '86400');
  });

  it('shares one population budget among the accounts not anchored', async () => {
    const w = world(undefined, '  population: { rate: 1/1d, burst: 3 }\n');
    for (let i = 10; i < 20; i++) w.registered.add(num(i));
    const asked = Array.from({ length: 10 }, (_, i) => num(10 + i));
    const first = await w.lookup(await w.register(num(1)), asked);
    const second = await w.lookup(await w.register(num(2)), asked);
    // Each account could take 2; together they may take 3.
    assert.equal(first.found.length, 2);
    assert.equal(second.found.length, 1);
    assert.equal(second.deferred, '86400');
  });

  it('reports a surge once a minute while the population budget is spent', async () => {
    const w = world(undefined, '  population: { rate: 1/1d, burst: 3 }\n');
    for (let i = 10; i < 20; i++) w.registered.add(num(i));
    const asked = Array.from({ length: 10 }, (_, i) => num(10 + i));
    await w.lookup(await w.register(num(1)), asked);
    await w.lookup(await w.register(num(2)), asked);
    assert.equal(w.surges.length, 0, 'the budget had reveals left until now');
    const third = await w.register(num(3));
    await w.lookup(third, asked);
    await w.lookup(third, asked);
    assert.deepEqual(
      w.surges.map((s) => [s.route, s.retryAfterMs >= 1_000]),
      [['discover', true]],
    );
    w.clock.advance(61_000);
    await w.lookup(third, asked);
    assert.equal(w.surges.length, 2);
  });

  it('never charges an anchored account to the population budget', async () => {
    const probe = world();
    const seed = probe.graph.fingerprint(num(1));
    const w = world(
      { holds: () => false, isSeed: (fp) => fp === seed },
      '  population: { rate: 1/1d, burst: 1 }\n',
    );
    for (let i = 10; i < 20; i++) w.registered.add(num(i));
    const asked = Array.from({ length: 10 }, (_, i) => num(10 + i));
    assert.equal((await w.lookup(await w.register(num(1)), asked)).found.length, 2);
    assert.equal((await w.lookup(await w.register(num(2)), asked)).found.length, 1);
    // The seed never drew on the population budget; only the new account found it spent.
    assert.equal(w.surges.length, 0);
  });
});
