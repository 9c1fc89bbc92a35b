import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../../core/clock.ts';
import type { AgentEvent, AgentRequest } from '../agent.ts';
import { runSimulation } from '../runner.ts';
import { legitUser } from './legit-user.ts';

const HOUR = 3_600_000;
const BOOK = ['+4915100000001', '+4915100000002', '+4915100000003'];

/** One user against a service that accepts everything; returns the requests it sent, in order. */
async function requestsOf(newContactsPerWeek: number): Promise<AgentRequest[]> {
  const seen: AgentRequest[] = [];
  await runSimulation({
    agents: [
      legitUser({
        id: 'legit-0',
        number: '+4915100000000',
        contacts: () => BOOK,
        clientIp: '192.0.2.1',
        installAt: 1000,
        resyncEveryMs: 6 * HOUR,
        newContactsPerWeek,
        batchSize: 2,
        newContact: () => '+4915100000099',
      }),
    ],
    transport: (req) =>
      req.path === '/v1/accounts'
        ? { status: 201, headers: {}, body: { accountId: '000000000000', token: 't' } }
        : { status: 200, headers: {}, body: { contacts: [], removed: [] } },
    observer: { onExchange: (_a, request) => seen.push(request), onEvent: () => undefined },
    clock: manualClock(0),
    seed: 3,
    durationMs: 72 * HOUR,
  });
  return seen;
}

const numbersOf = (r: AgentRequest): string[] => (r.body as { numbers: string[] }).numbers;

describe('legitUser', () => {
  it('syncs the whole book against discover at install, then re-syncs it against the delta endpoint', async () => {
    const [register, ...syncs] = await requestsOf(0);
    assert.equal(register?.path, '/v1/accounts');
    // The install sync: the book in batches of 2.
    assert.deepEqual(
      syncs.slice(0, 2).map((r) => [r.path, numbersOf(r)]),
      [
        ['/v1/contacts/discover', BOOK.slice(0, 2)],
        ['/v1/contacts/discover', BOOK.slice(2)],
      ],
    );
    const resyncs = syncs.slice(2);
    assert.ok(resyncs.length >= 4, `${resyncs.length} re-sync requests in 3 days at one per ~6 h`);
    for (const r of resyncs) {
      assert.equal(r.path, '/v1/contacts/discover/delta');
      assert.equal(r.headers?.authorization, 'Bearer t');
    }
    assert.deepEqual(resyncs.slice(0, 2).map(numbersOf).flat(), BOOK);
  });

  it('looks new contacts up against discover, one at a time', async () => {
    const requests = await requestsOf(50);
    const single = requests.filter((r) => r.path !== '/v1/accounts' && numbersOf(r).length === 1);
    const newContacts = single.filter((r) => numbersOf(r)[0] === '+4915100000099');
    assert.ok(newContacts.length >= 5, `${newContacts.length} new-contact lookups`);
    for (const r of newContacts) assert.equal(r.path, '/v1/contacts/discover');
  });
});

interface Sent {
  readonly at: number;
  readonly request: AgentRequest;
}

/** One user (book BOOK) against `transport`; returns its requests with their times, and its events. */
async function run(
  transport: (req: AgentRequest) => { status: number; headers: Record<string, string>; body: unknown },
  extra: { reinstallAt?: number } = {},
): Promise<{ sent: Sent[]; events: AgentEvent[] }> {
  const sent: Sent[] = [];
  const events: AgentEvent[] = [];
  await runSimulation({
    agents: [
      legitUser({
        id: 'legit-0',
        number: '+4915100000000',
        contacts: () => BOOK,
        clientIp: '192.0.2.1',
        installAt: 1000,
        resyncEveryMs: 1000 * HOUR,
        newContactsPerWeek: 0,
        batchSize: 2,
        newContact: () => '+4915100000099',
        ...extra,
      }),
    ],
    transport,
    observer: {
      onExchange: (_a, request, _r, at) => sent.push({ at, request }),
      onEvent: (_a, e) => events.push(e),
    },
    clock: manualClock(0),
    seed: 3,
    durationMs: 72 * HOUR,
  });
  return { sent, events };
}

let tokens = 0;
const registered = (): { status: number; headers: Record<string, string>; body: unknown } => ({
  status: 201,
  headers: {},
  body: { accountId: '000000000000', token: `t${tokens++}` },
});

describe('legitUser deferred reveals', () => {
  it('re-asks, after the deferral, only the numbers a deferred answer did not find, then finishes the sync', async () => {
    let round = 0;
    const { sent, events } = await run((req) => {
      if (req.path === '/v1/accounts') return registered();
      const numbers = numbersOf(req);
      // The first two answers hold everything back but the first number, and defer 60 s.
      if (round++ < 2) {
        const shown = numbers.filter((n) => n === BOOK[0]).map((number) => ({ number, accountId: 'a' }));
        return { status: 200, headers: { 'enumguard-deferred': '60' }, body: { contacts: shown } };
      }
      return {
        status: 200,
        headers: {},
        body: { contacts: numbers.map((number) => ({ number, accountId: 'b' })) },
      };
    });
    const lookups = sent.filter((s) => s.request.path !== '/v1/accounts');
    assert.deepEqual(
      lookups.slice(0, 2).map((s) => numbersOf(s.request)),
      [BOOK.slice(0, 2), BOOK.slice(2)],
    );
    const again = lookups[2] as Sent;
    assert.deepEqual(numbersOf(again.request), BOOK.slice(1));
    assert.equal(again.request.path, '/v1/contacts/discover');
    assert.ok(again.at - (lookups[1] as Sent).at >= 60_000, 'waited the deferral out');
    assert.deepEqual(
      events.filter((e) => e.kind !== 'sync-start').map((e) => e.kind),
      ['sync-done'],
      'one sync, done once the held-back numbers came',
    );
  });

  it('stops re-asking after 30 rounds when the header never stops', async () => {
    const { sent, events } = await run((req) =>
      req.path === '/v1/accounts'
        ? registered()
        : { status: 200, headers: { 'enumguard-deferred': '1' }, body: { contacts: [] } },
    );
    const lookups = sent.filter((s) => s.request.path !== '/v1/accounts');
    // The first round is two batches; each of the 30 re-asks is two batches again (3 numbers).
    assert.equal(lookups.length, 2 + 30 * 2);
    assert.ok(events.some((e) => e.kind === 'sync-done'));
  });
});

describe('legitUser reinstall', () => {
  it('registers the same number again at the reinstall time and runs a full sync with the new token', async () => {
    const { sent } = await run(
      (req) =>
        req.path === '/v1/accounts' ? registered() : { status: 200, headers: {}, body: { contacts: [] } },
      { reinstallAt: 10 * HOUR },
    );
    const registrations = sent.filter((s) => s.request.path === '/v1/accounts');
    assert.equal(registrations.length, 2);
    assert.deepEqual(
      registrations.map((s) => (s.request.body as { number: string }).number),
      ['+4915100000000', '+4915100000000'],
    );
    assert.equal(registrations[1]?.at, 10 * HOUR);
    const after = sent.filter((s) => s.at > 10 * HOUR && s.request.path === '/v1/contacts/discover');
    assert.deepEqual(after.map((s) => numbersOf(s.request)).flat(), BOOK);
    const auth = new Set(after.map((s) => s.request.headers?.authorization));
    assert.equal(auth.size, 1);
    assert.notEqual(
      [...auth][0],
      sent.find((s) => s.request.path === '/v1/contacts/discover')?.request.headers?.authorization,
    );
  });
});
