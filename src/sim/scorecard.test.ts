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
