import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { manualClock, type ManualClock } from '../../src/core/clock.ts';
import { createGateway, type Gateway } from '../../src/gateway/server.ts';
import { createUpstreamPool } from '../../src/gateway/upstream.ts';
import { createPipeline } from '../../src/pipeline/pipeline.ts';
import { compilePolicy } from '../../src/policy/index.ts';
import { createMemoryStore } from '../../src/stores/memory-store.ts';
import { contactClient, phone, startContactService } from '../helpers/contact-service.ts';

const DAY = 86_400_000;

/**
 * Registration binds the session it hands out to the number and is limited per number (3 a
 * day); lookups are limited per account (2 a day) and reveal strangers from a budget of 2 a day; accounts that hold the caller's
 * number are revealed at once. No bootstrap: no account is a seed, so nobody earns trust here.
 */
const policyText = (upstream: string) => `
version: 1
upstream: ${upstream}
accounts:
  register: { route: register, number: /number, token: /token }
contacts:
  bootstrap: 0
  budget:
    - { trust: 0, rate: 1/1d, burst: 2 }
routes:
  - id: register
    match: { method: POST, path: /v1/accounts }
    auth: none
    limits:
      - { id: signups, key: account, rate: 3/1d }
  - id: discover
    match: { method: POST, path: /v1/contacts/discover }
    auth: none
    targets: /numbers
    rateLimitHeaders: false
    limits:
      - { id: lookups, key: account, rate: 2/1d }
    reveal: { records: /contacts, number: number }
`;

/** A fresh gateway (memory store, its own contact graph, a manual clock) per test. */
async function startGateway(upstream: string): Promise<{
  gateway: Gateway;
  clock: ManualClock;
  client: ReturnType<typeof contactClient>;
}> {
  const clock = manualClock(Date.UTC(2026, 0, 1));
  const policy = compilePolicy(policyText(upstream), { source: 'policy.yaml' });
  const gateway = createGateway({
    pipeline: createPipeline({ policy, store: createMemoryStore({ clock }), clock }),
    upstream: createUpstreamPool(upstream, { timeoutMs: policy.server.upstreamTimeoutMs }),
    logger: pino({ level: 'silent' }),
  });
  const { port } = await gateway.listen(0);
  return { gateway, clock, client: contactClient(`http://127.0.0.1:${port}`) };
}

describe('the gateway with accounts and mutual-first reveals', () => {
  let service: Awaited<ReturnType<typeof startContactService>>;
  const gateways: Gateway[] = [];
  before(async () => {
    service = await startContactService();
  });
  after(async () => {
    await Promise.all(gateways.map((g) => g.close(100)));
    await service.close();
  });
  const start = async () => {
    const g = await startGateway(service.url);
    gateways.push(g.gateway);
    return g;
  };

  it('charges a later lookup to the registered account, so registering again refills nothing', async () => {
    const { client } = await start();
    const first = await client.register(phone(1));
    assert.equal((await client.lookup(first, [phone(900)])).status, 200);
    assert.equal((await client.lookup(first, [phone(901)])).status, 200);
    assert.equal((await client.lookup(first, [phone(902)])).status, 429);
    // A reinstall: the same number, a new session. Its budget is the account's, spent.
    const again = await client.register(phone(1));
    assert.notEqual(again, first);
    assert.equal((await client.lookup(again, [phone(903)])).status, 429);
    // Another number's account has a budget of its own.
    const other = await client.register(phone(2));
    assert.equal((await client.lookup(other, [phone(903)])).status, 200);
  });

  it('limits registrations per number, whichever session or none sends them', async () => {
    const { client } = await start();
    for (let i = 0; i < 3; i++) await client.register(phone(60));
    await assert.rejects(client.register(phone(60)), /registering answered 429/);
    await client.register(phone(61));
  });

  it('reveals at once who holds the caller number, strangers from the budget, then defers', async () => {
    const { client, clock } = await start();
    const alice = await client.register(phone(10));
    const bob = await client.register(phone(11));
    // Bob's book holds Alice's number.
    await client.lookup(bob, [phone(10)]);
    for (let i = 20; i < 25; i++) service.registered.add(phone(i));
    const strangers = [20, 21, 22, 23, 24].map(phone);
    const r = await client.lookup(alice, [phone(11), ...strangers]);
    assert.equal(r.status, 200);
    // Bob is free; two strangers fill the budget of 2; the rest wait a day (the refill of one).
    assert.deepEqual(r.found, [phone(11), phone(20), phone(21)]);
    assert.equal(r.deferred, '86400');
    // A day later one more stranger comes, beside those already shown (shown again for free).
    clock.advance(DAY);
    const later = await client.lookup(alice, strangers);
    assert.deepEqual(later.found, [phone(20), phone(21), phone(22)]);
    assert.equal(later.deferred, '86400');
  });

  it('sends no deferred header while the budget lasts', async () => {
    const { client } = await start();
    service.registered.add(phone(30));
    const carol = await client.register(phone(31));
    const r = await client.lookup(carol, [phone(30), phone(32)]);
    assert.deepEqual(r.found, [phone(30)]);
    assert.equal(r.deferred, null);
  });

  it('keeps the reveal budget with the account across a new session', async () => {
    const { client } = await start();
    for (let i = 40; i < 45; i++) service.registered.add(phone(i));
    const dave = await client.register(phone(50));
    assert.equal((await client.lookup(dave, [phone(40), phone(41)])).found.length, 2);
    const again = await client.register(phone(50));
    const r = await client.lookup(again, [phone(42), phone(43)]);
    assert.deepEqual(r.found, []);
    assert.equal(r.deferred, '86400');
  });
});
