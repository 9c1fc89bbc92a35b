import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../core/clock.ts';
import { compilePolicy } from '../policy/index.ts';
import { createMemoryStore } from '../stores/memory-store.ts';
import { createPipeline } from './pipeline.ts';
import type { RiskEvent } from './risk-gate.ts';
import type { PlainRequest, PlainResponse } from './types.ts';

/**
 * The issue-4 defenses through the pipeline's in-process path (handle): a fake lookup
 * service reveals a contact for every number in `registered`, with a photo and "about".
 */
const HOUR = 3_600_000;

function numbers(from: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `+1415555${String(from + i).padStart(4, '0')}`);
}

interface Options {
  readonly detect?: string;
  readonly egress?: string;
  readonly limits?: string;
  readonly risk?: string;
}

function world(o: Options = {}) {
  const clock = manualClock(Date.UTC(2026, 0, 1));
  const yaml = `version: 1
unmatched: allow
risk:
  identity: { header: authorization }
  layers: { identity: 1, ipPrefix: 0.25, cohort: 0.25 }
  trustAfter: 1d
${o.risk ?? ''}
routes:
  - id: discover
    match: { method: POST, path: /v1/contacts/discover }
    auth: none
    targets: /numbers
    detect:
${o.detect ?? '      hitRatio: { weight: 100, below: 0.2, minTargets: 100 }'}
    egress:
${o.egress ?? '      records: /contacts\n      strip: [photo, about]'}
${o.limits ? `    limits:\n${o.limits}` : ''}
`;
  const policy = compilePolicy(yaml, { source: 'policy.yaml' });
  const events: RiskEvent[] = [];
  const pipeline = createPipeline({
    policy,
    store: createMemoryStore({ clock, seed: [1, 2] }),
    clock,
    seed: 7,
    onRisk: (e) => events.push(e),
  });
  const registered = new Set<string>();
  const upstream = (req: PlainRequest): Promise<PlainResponse> => {
    const asked = (req.body as { numbers: string[] }).numbers;
    const contacts = asked
      .filter((n) => registered.has(n))
      .map((n) => ({ accountId: `acc-${n}`, number: n, photo: 'p.svg', about: 'hi' }));
    return Promise.resolve({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '',
      json: { contacts },
    });
  };
  async function lookup(token: string, asked: string[], ip = '198.51.100.7') {
    const res = await pipeline.handle(
      {
        method: 'POST',
        url: '/v1/contacts/discover',
        headers: { authorization: `Bearer ${token}` },
        remoteAddress: ip,
        body: { numbers: asked },
      },
      upstream,
    );
    return res as PlainResponse & { json?: { contacts?: Record<string, unknown>[] } };
  }
  return { clock, registered, lookup, events };
}

/** Registers `share` of the numbers, spread evenly. */
function register(set: Set<string>, list: readonly string[], share: number): void {
  list.forEach((n, i) => {
    if (Math.floor((i + 1) * share) > Math.floor(i * share)) set.add(n);
  });
}

describe('defenses in the pipeline', () => {
  it('withholds the answer whose own hit ratio reveals a scan, and blocks the account', async () => {
    const w = world();
    const scan = numbers(0, 1000);
    register(w.registered, scan, 0.05);
    const first = await w.lookup('scanner', scan);
    assert.equal(first.status, 403);
    assert.equal(first.json, undefined);
    assert.match(first.body, /"code":"blocked"/);
    assert.ok(Number(first.headers['retry-after']) > 0);
    const again = await w.lookup('scanner', numbers(2000, 10));
    assert.equal(again.status, 403, 'the block holds for the next request too');
    assert.equal(w.events[0]?.detector, 'hit-ratio');
    assert.equal(w.events[0]?.level, 'block');
    assert.notEqual(w.events[0]?.identityTag, undefined);
    assert.ok(
      !JSON.stringify(w.events[0]?.identityTag).includes('scanner'),
      'the tag does not reveal the token',
    );
  });

  it('releases an address book that mostly hits', async () => {
    const w = world();
    const book = numbers(0, 300);
    register(w.registered, book, 0.6);
    const res = await w.lookup('alice', book);
    assert.equal(res.status, 200);
    assert.equal(res.json?.contacts?.length, 180);
    assert.equal(w.events.length, 0);
  });

  it('adds small batches up over the window, so splitting a scan does not hide it', async () => {
    const w = world();
    const scan = numbers(0, 1000);
    register(w.registered, scan, 0.05);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      statuses.push((await w.lookup('slow', scan.slice(i * 20, i * 20 + 20))).status);
      w.clock.advance(60_000);
    }
    assert.deepEqual(statuses.slice(0, 4), [200, 200, 200, 200]);
    assert.ok(statuses.includes(403), `expected a block within 200 numbers, got ${statuses.join(',')}`);
  });

  it('in shadow, logs the finding but releases the answer and blocks nobody', async () => {
    const w = world({ detect: '      hitRatio: { weight: 100, below: 0.2, minTargets: 100, shadow: true }' });
    const scan = numbers(0, 1000);
    register(w.registered, scan, 0.05);
    assert.equal((await w.lookup('scanner', scan)).status, 200);
    assert.equal((await w.lookup('scanner', numbers(5000, 10))).status, 200);
    assert.equal(w.events[0]?.shadow, true);
    assert.equal(w.events[0]?.wouldBe, 'none');
  });

  it('never scores an allowlisted account', async () => {
    const w = world({ risk: '  allowlist: { identities: ["Bearer auditor"] }' });
    const scan = numbers(0, 1000);
    register(w.registered, scan, 0.05);
    assert.equal((await w.lookup('auditor', scan)).status, 200);
    assert.equal((await w.lookup('auditor', scan)).status, 200);
    assert.equal(w.events.length, 0);
  });

  it('refuses any account that queries a canary', async () => {
    const w = world({ detect: '      canaries: { weight: 100, numbers: ["+14155550123"] }' });
    const ok = await w.lookup('alice', ['+14155550100']);
    assert.equal(ok.status, 200);
    const trip = await w.lookup('mallory', ['+14155550100', '+1 (415) 555-0123']);
    assert.equal(trip.status, 403, 'the canary is found whatever its spelling');
    assert.equal(w.events[0]?.detector, 'canary');
  });

  it('attributes a block covered densely by several accounts to each of them', async () => {
    const w = world({
      detect: '      rangeDensity: { weight: 50, blockDigits: 4, window: 60s, hotShare: 0.05 }',
    });
    // Two accounts, 300 numbers each of one 10,000-number block: 600 > 500 makes it hot.
    assert.equal((await w.lookup('a', numbers(0, 300))).status, 200);
    const second = await w.lookup('b', numbers(300, 300), '192.0.2.9');
    const suspects = new Set(w.events.map((e) => e.identityKey));
    // Header values are keyed canonically: the scheme in lower case (RFC 9110 §11.1).
    assert.deepEqual([...suspects].sort(), ['bearer a', 'bearer b']);
    assert.equal(second.status, 429, 'the caller who tipped the block over is challenged at once');
    assert.equal((await w.lookup('a', numbers(9000, 1))).status, 429);
  });

  it('spares a caller whose lookups mostly hit: a big address book, not a scan', async () => {
    const w = world({
      detect: '      rangeDensity: { weight: 50, blockDigits: 4, window: 60s, hotShare: 0.05 }',
    });
    const book = numbers(0, 600);
    register(w.registered, book, 0.6);
    assert.equal((await w.lookup('big-book', book)).status, 200);
    assert.equal(w.events.length, 0);
    // The same block covered by a caller whose lookups miss is scored.
    assert.equal((await w.lookup('scanner', numbers(1000, 600))).status, 429);
    assert.deepEqual(
      w.events.map((e) => e.identityKey),
      ['bearer scanner'],
    );
  });

  it('strips photo and about for a new account, not for one older than trustAfter', async () => {
    const w = world();
    w.registered.add('+14155550001');
    const fresh = await w.lookup('alice', ['+14155550001']);
    assert.deepEqual(Object.keys(fresh.json?.contacts?.[0] ?? {}).sort(), ['accountId', 'number']);
    w.clock.advance(25 * HOUR);
    const later = await w.lookup('alice', ['+14155550001']);
    assert.deepEqual(Object.keys(later.json?.contacts?.[0] ?? {}).sort(), [
      'about',
      'accountId',
      'number',
      'photo',
    ]);
  });

  it('caps records per response and per account per window', async () => {
    const w = world({
      egress:
        '      records: /contacts\n      stripWhen: always\n      maxRecords: 50\n      perIdentity: { rate: 100/1d }',
    });
    const book = numbers(0, 200);
    register(w.registered, book, 1);
    const first = await w.lookup('alice', book.slice(0, 80));
    assert.equal(first.json?.contacts?.length, 50);
    // Charged what was sent (50 a time), not the 80 revealed: the quota of 100 holds two.
    assert.equal((await w.lookup('alice', book.slice(80, 160))).status, 200);
    const third = await w.lookup('alice', book.slice(160, 200));
    assert.equal(third.status, 429, 'a third answer passes the 100-per-day quota');
    assert.equal((await w.lookup('bob', book.slice(0, 10))).status, 200);
  });

  it('makes a new account pay more for new numbers, less as it ages (ramp)', async () => {
    const limits =
      '      - { id: new-numbers, key: { header: authorization }, rate: 1/1d, burst: 1000, distinct: /numbers, ramp: { from: 0.5, over: 2d } }';
    const w = world({ limits, detect: '      canaries: { weight: 100, numbers: ["+14155559876"] }' });
    // Day 0: 600 new numbers cost 1,200 of the 1,000 burst.
    assert.equal((await w.lookup('young', numbers(0, 600))).status, 429);
    assert.equal((await w.lookup('young', numbers(0, 400))).status, 200);
    // 200 of the burst left: 150 new numbers cost 300 today, face value two days on.
    assert.equal((await w.lookup('young', numbers(400, 150))).status, 429);
    w.clock.advance(48 * HOUR);
    assert.equal((await w.lookup('young', numbers(400, 150))).status, 200);
  });

  it('reaches the network: two blocked accounts from one /24 get a third refused at once', async () => {
    const w = world();
    const scan = numbers(0, 1000);
    register(w.registered, scan, 0.05);
    // Each finding gives the /24 a quarter of its weight: 25, then 50 (challenge).
    for (const token of ['s1', 's2'])
      assert.equal((await w.lookup(token, scan, '198.51.100.12')).status, 403);
    const fresh = await w.lookup('s3', ['+14155559999'], '198.51.100.200');
    assert.equal(fresh.status, 429);
    assert.match(fresh.body, /abnormal-usage-detected/);
    const elsewhere = await w.lookup('s6', ['+14155559999'], '192.0.2.1');
    assert.equal(elsewhere.status, 200);
  });
});
