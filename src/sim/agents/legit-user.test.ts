import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../../core/clock.ts';
import type { AgentRequest } from '../agent.ts';
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
