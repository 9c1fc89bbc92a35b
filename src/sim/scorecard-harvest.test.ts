import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AgentRequest, AgentResponse } from './agent.ts';
import { createHarvestTracker, harvestRouteOf } from './scorecard-harvest.ts';

const ip = '192.0.2.9';
const lookup = (path: string, numbers: string[]): AgentRequest => ({
  method: 'POST',
  path,
  body: { numbers },
  clientIp: ip,
});
const get = (path: string): AgentRequest => ({ method: 'GET', path, clientIp: ip });
const ok = (body: unknown): AgentResponse => ({ status: 200, headers: {}, body });
const notFound: AgentResponse = { status: 404, headers: {}, body: { code: 'not-found' } };

describe('harvestRouteOf', () => {
  it('names the four routes that return account data, and nothing else', () => {
    assert.equal(harvestRouteOf('/v1/contacts/discover'), 'discover');
    assert.equal(harvestRouteOf('/v1/contacts/discover/delta'), 'delta');
    assert.equal(harvestRouteOf('/v1/accounts/00aa/photo'), 'photo');
    assert.equal(harvestRouteOf('/v1/accounts/00aa/profile?x=1'), 'profile');
    assert.equal(harvestRouteOf('/v1/accounts'), undefined);
  });
});

describe('createHarvestTracker', () => {
  it('counts photos and "about" texts fetched on their own routes, with a breakdown by route', () => {
    const h = createHarvestTracker();
    h.onAttackerExchange(
      lookup('/v1/contacts/discover', ['+1', '+2']),
      ok({ contacts: [{ accountId: 'a' }, { accountId: 'b', about: 'x' }] }),
      1,
    );
    h.onAttackerExchange(
      lookup('/v1/contacts/discover/delta', ['+3']),
      ok({ contacts: [{ accountId: 'c', photo: '/p' }] }),
      2,
    );
    h.onAttackerExchange(get('/v1/accounts/a/photo'), ok('<svg/>'), 3);
    h.onAttackerExchange(get('/v1/accounts/b/photo'), notFound, 4);
    h.onAttackerExchange(get('/v1/accounts/a/profile'), ok({ accountId: 'a', about: 'hi' }), 5);
    h.onAttackerExchange(get('/v1/accounts/d/profile'), ok({ accountId: 'd', about: 'hey' }), 6);
    const r = h.result();
    assert.equal(r.accountsRevealed, 4);
    assert.equal(r.withPhoto, 2); // a (photo route), c (delta answer)
    assert.equal(r.withAbout, 3); // a and d (profile route), b (discover answer)
    assert.deepEqual(r.byRoute, {
      discover: { accounts: 2, withPhoto: 0, withAbout: 1 },
      delta: { accounts: 1, withPhoto: 1, withAbout: 0 },
      photo: { accounts: 1, withPhoto: 1, withAbout: 0 },
      profile: { accounts: 2, withPhoto: 0, withAbout: 2 },
    });
    assert.deepEqual(h.harvestTimes, [1, 1, 2, 6]);
  });

  it('counts the distinct numbers attackers registered, refused or not, as their accounts', () => {
    const h = createHarvestTracker();
    const register = (number: string): AgentRequest => ({
      method: 'POST',
      path: '/v1/accounts',
      body: { number },
      clientIp: ip,
    });
    h.onAttackerExchange(register('+491'), { status: 201, headers: {}, body: { token: 't' } }, 1);
    h.onAttackerExchange(register('+491'), { status: 201, headers: {}, body: { token: 'u' } }, 2);
    h.onAttackerExchange(register('+492'), { status: 429, headers: {}, body: undefined }, 3);
    assert.equal(h.result().attackerAccounts, 2);
  });

  it('counts the distinct candidates looked up when it knows the candidate space', () => {
    const h = createHarvestTracker({
      candidateCount: 10,
      candidateIndexOf: (n) => (n.startsWith('+9') ? -1 : Number(n.slice(1))),
    });
    h.onAttackerExchange(lookup('/v1/contacts/discover', ['+1', '+2', '+2', '+99']), ok({ contacts: [] }), 1);
    h.onAttackerExchange(lookup('/v1/contacts/discover', ['+2', '+3']), ok({ contacts: [] }), 2);
    const r = h.result();
    assert.equal(r.numbersLookedUp, 6);
    assert.equal(r.distinctNumbersLookedUp, 3);
    assert.equal(createHarvestTracker().result().distinctNumbersLookedUp, null);
  });
});

describe('createHarvestTracker sampling', () => {
  it('estimates distinct numbers from the hundredth ending in "00", exact for whole blocks', () => {
    const h = createHarvestTracker({
      candidateCount: 100_000,
      candidateIndexOf: (n) => Number(n.slice(1)) - 10_000,
      sampleHundredth: true,
    });
    const block = Array.from({ length: 10_000 }, (_, i) => `+${10_000 + i}`);
    h.onAttackerExchange(lookup('/v1/contacts/discover', block), ok({ contacts: [] }), 1);
    h.onAttackerExchange(lookup('/v1/contacts/discover', block.slice(0, 5_000)), ok({ contacts: [] }), 2);
    assert.equal(h.result().distinctNumbersLookedUp, 10_000);
  });
});
