import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Agent, AgentRequest, AgentResponse } from './agent.ts';
import { createScorecard } from './scorecard.ts';

const agent = (role: Agent['role'], id: string): Agent => ({
  id,
  role,
  start: () => undefined,
  onResponse: () => undefined,
});
const discover = (numbers: string[]): AgentRequest => ({
  method: 'POST',
  path: '/v1/contacts/discover',
  body: { numbers },
  clientIp: '192.0.2.1',
});
const found = (ids: string[]): AgentResponse => ({
  status: 200,
  headers: {},
  body: { contacts: ids.map((accountId) => ({ accountId })) },
});
const refused: AgentResponse = { status: 429, headers: {}, body: undefined };

describe('createScorecard', () => {
  it('counts harvest live and samples harvest and legit refusals over virtual time', () => {
    const card = createScorecard(100, { durationMs: 10_000 });
    const scanner = agent('attacker', 'a');
    const user = agent('legit', 'u');
    card.onExchange(scanner, discover(['+1', '+2']), found(['x', 'y']), 1_000);
    assert.equal(card.revealedSoFar(), 2);
    card.onExchange(scanner, discover(['+1', '+3']), found(['x', 'z']), 6_000);
    assert.equal(card.revealedSoFar(), 3);
    card.onExchange(user, discover(['+4']), refused, 7_000);
    const { series } = card.result({ virtualMs: 10_000, wallMs: 1, requests: 3 });
    const at = (ms: number): number => Math.floor(ms / series.bucketMs);
    assert.equal(series.revealed[at(1_000)], 2);
    assert.equal(series.revealed[at(6_000) - 1], 2);
    assert.equal(series.revealed[at(6_000)], 3);
    assert.equal(series.legitDenied[at(7_000) - 1], 0);
    assert.equal(series.legitDenied.at(-1), 1);
    assert.equal(series.requests.at(-1), 3);
  });

  it('scores only 429 and 403 as the policy refusing, not transport failures or bad batches', () => {
    const card = createScorecard(100, { durationMs: 10_000 });
    const scanner = agent('attacker', 'a');
    const user = agent('legit', 'u');
    const unreachable: AgentResponse = { status: 599, headers: {}, body: { error: 'ECONNREFUSED' } };
    const tooBig: AgentResponse = { status: 413, headers: {}, body: undefined };
    card.onExchange(scanner, discover(['+1']), unreachable, 1_000);
    card.onExchange(scanner, discover(['+1']), tooBig, 2_000);
    card.onExchange(user, discover(['+2']), unreachable, 2_500);
    let score = card.result({ virtualMs: 3_000, wallMs: 1, requests: 3 });
    assert.equal(score.attacker.firstResponseMs, null);
    assert.equal(score.legit.usersDenied, 0);
    card.onExchange(scanner, discover(['+1']), refused, 4_000);
    card.onExchange(user, discover(['+2']), { status: 403, headers: {}, body: undefined }, 4_500);
    score = card.result({ virtualMs: 5_000, wallMs: 1, requests: 5 });
    assert.equal(score.attacker.firstResponseMs, 3_000);
    assert.equal(score.legit.usersDenied, 1);
  });
});

describe('createScorecard attacker cost and saturation', () => {
  const register = (number: string): AgentRequest => ({
    method: 'POST',
    path: '/v1/accounts',
    body: { number },
    clientIp: '198.51.100.7',
  });
  const created: AgentResponse = { status: 201, headers: {}, body: { token: 't' } };

  it('divides the harvest by the distinct numbers all attackers registered, across agents', () => {
    const card = createScorecard(100, { candidateCount: 1000, candidateIndexOf: (n) => Number(n.slice(1)) });
    const a = agent('attacker', 'a');
    const b = agent('attacker', 'b');
    card.onExchange(a, register('+900'), created, 0);
    card.onExchange(b, register('+901'), refused, 0);
    card.onExchange(b, register('+902'), created, 0);
    card.onExchange(b, register('+902'), created, 10);
    card.onExchange(a, discover(['+1', '+2', '+3']), found(['x', 'y', 'z']), 1_000);
    card.onExchange(b, discover(['+4', '+5', '+6']), found(['w', 'v', 'u']), 2_000);
    const { attacker } = card.result({ virtualMs: 3_000, wallMs: 1, requests: 6 });
    assert.equal(attacker.attackerAccounts, 3);
    assert.equal(attacker.revealedPerAttackerAccount, 2);
    assert.equal(attacker.distinctNumbersLookedUp, 6);
    assert.equal(attacker.saturated, false);
  });

  it('flags a world the attackers saturated: over half its accounts, or over half its candidates', () => {
    const byHarvest = createScorecard(4);
    byHarvest.onExchange(agent('attacker', 'a'), discover(['+1', '+2', '+3']), found(['x', 'y', 'z']), 1);
    const h = byHarvest.result({ virtualMs: 10, wallMs: 1, requests: 1 }).attacker;
    assert.deepEqual([h.saturated, h.saturatedBy], [true, ['harvest']]);
    const byLookups = createScorecard(1000, {
      candidateCount: 4,
      candidateIndexOf: (n) => Number(n.slice(1)),
    });
    byLookups.onExchange(agent('attacker', 'a'), discover(['+1', '+2', '+3']), found([]), 1);
    const l = byLookups.result({ virtualMs: 10, wallMs: 1, requests: 1 }).attacker;
    assert.deepEqual([l.saturated, l.saturatedBy, l.candidateSpaceShare], [true, ['lookups'], 0.75]);
  });

  it('attributes each legit refusal to its cause, registration included', () => {
    const card = createScorecard(100);
    const user = agent('legit', 'u');
    const limited: AgentResponse = {
      status: 429,
      headers: { 'x-enumguard-problem': 'quota-exceeded' },
      body: { code: 'quota-exceeded', policy: 'registrations-per-ip' },
    };
    card.onExchange(user, register('+1'), limited, 1);
    const { legit } = card.result({ virtualMs: 10, wallMs: 1, requests: 1 });
    assert.deepEqual(legit.usersRefusedByCause, { 'limit registrations-per-ip': 1 });
    assert.equal(legit.usersDenied, 1);
  });
});
