import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../../core/clock.ts';
import { createPopulation } from '../../reference/population/population.ts';
import type { AgentRequest } from '../agent.ts';
import { runSimulation } from '../runner.ts';
import { legitUsers } from './legit-users.ts';

const DAY = 86_400_000;
const population = createPopulation({ seed: 9, accounts: 3000, bookCacheSize: 0 });

/** 200 users with every kind of realism turned well up, against a service that accepts all. */
async function requestsByUser(): Promise<Map<string, AgentRequest[]>> {
  const agents = legitUsers({
    population,
    options: {
      users: 200,
      installWithinMs: DAY,
      resyncEveryMs: 100 * DAY,
      newContactsPerWeek: 0,
      cgnatShare: 0.2,
      usersPerCgnatAddress: 50,
      ipv6Share: 0.3,
      reinstallShare: 0.3,
      powerUserShare: 0.1,
      powerUserContacts: 5000,
      fewContactsShare: 0.2,
      withAttackerAddress: { address: '198.51.100.7', users: 20 },
    },
    batchSize: 1000,
    seed: 4,
    durationMs: 3 * DAY,
  });
  const byUser = new Map<string, AgentRequest[]>();
  let token = 0;
  await runSimulation({
    agents,
    transport: (req) =>
      req.path === '/v1/accounts'
        ? { status: 201, headers: {}, body: { accountId: '000000000000', token: `t${token++}` } }
        : { status: 200, headers: {}, body: { contacts: [] } },
    observer: {
      onExchange: (agent, request) => {
        const list = byUser.get(agent.id) ?? [];
        list.push(request);
        byUser.set(agent.id, list);
      },
      onEvent: () => undefined,
    },
    clock: manualClock(population.startMs),
    seed: 4,
    durationMs: 3 * DAY,
  });
  return byUser;
}

/** The numbers of the user's first full sync (its install): every lookup before a second registration. */
function installBook(requests: AgentRequest[]): number {
  const second = requests.findIndex((r, i) => i > 0 && r.path === '/v1/accounts');
  const install = second < 0 ? requests : requests.slice(0, second);
  return install
    .filter((r) => r.path === '/v1/contacts/discover')
    .reduce((n, r) => n + (r.body as { numbers: string[] }).numbers.length, 0);
}

describe('legitUsers', () => {
  it("mixes reinstallers, power users, users with few contacts and users on the attacker's address", async () => {
    const byUser = await requestsByUser();
    const users = [...byUser.values()];
    assert.equal(users.length, 200);
    const reinstalls = users.filter((r) => r.filter((q) => q.path === '/v1/accounts').length === 2).length;
    assert.ok(reinstalls >= 40 && reinstalls <= 80, `${reinstalls} reinstallers of 200 at 30%`);
    const books = users.map(installBook);
    const power = books.filter((n) => n >= 5000).length;
    const few = books.filter((n) => n >= 5 && n <= 20).length;
    assert.ok(power >= 10 && power <= 32, `${power} power users of 200 at 10%`);
    assert.ok(few >= 25 && few <= 60, `${few} users with 5 to 20 contacts of 200 at 20%`);
    const shared = users.filter((r) => r.every((q) => q.clientIp === '198.51.100.7')).length;
    assert.equal(shared, 20);
  });

  it('gives a user the same book at every full sync, reinstall included', async () => {
    const byUser = await requestsByUser();
    for (const requests of byUser.values()) {
      const syncs: string[][] = [];
      for (const r of requests) {
        if (r.path === '/v1/accounts') syncs.push([]);
        else if (r.path === '/v1/contacts/discover')
          syncs.at(-1)?.push(...(r.body as { numbers: string[] }).numbers);
      }
      if (syncs.length === 2) assert.deepEqual(syncs[1], syncs[0]);
    }
  });
});
