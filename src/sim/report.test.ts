import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Agent } from './agent.ts';
import { containment, scorecardTable, type PolicyRun } from './report.ts';
import { createScorecard } from './scorecard.ts';

const scanner: Agent = { id: 'a', role: 'attacker', start: () => undefined, onResponse: () => undefined };

/** A run whose attackers were revealed `revealed` accounts of a population of 1,000, over a day. */
function run(policy: string, revealed: number): PolicyRun {
  const card = createScorecard(1000);
  const lookup = {
    method: 'POST',
    path: '/v1/contacts/discover',
    body: { numbers: ['+1'] },
    clientIp: '192.0.2.1',
  };
  card.onExchange(scanner, lookup, { status: 429, headers: {}, body: undefined }, 0);
  for (let i = 0; i < revealed; i++)
    card.onExchange(
      scanner,
      lookup,
      { status: 200, headers: {}, body: { contacts: [{ accountId: `acc-${i}` }] } },
      i * 60_000,
    );
  return { policy, scorecard: card.result({ virtualMs: 86_400_000, wallMs: 1, requests: revealed }) };
}

describe('containment', () => {
  it('calls a policy contained only when its harvest is at most 10% of none in the same compare', () => {
    const runs = [run('none', 600), run('tight', 60), run('loose', 62)];
    assert.deepEqual(
      runs.map((r) => containment(r, runs)),
      ['reference', 'yes (10.00% of none)', 'no (10.33% of none)'],
    );
    // "loose" reached 99% of its harvest at some time: timing alone does not make it contained.
    assert.notEqual(runs[2]?.scorecard.attacker.containedMs, null);
  });

  it('says n/a without a none run', () => {
    const runs = [run('tight', 1)];
    assert.equal(containment(runs[0] as PolicyRun, runs), 'n/a (no none run)');
  });
});

describe('scorecardTable', () => {
  it('prints the verdict, the attacker cost and the saturation flag', () => {
    const table = scorecardTable([run('none', 600), run('tight', 60)]);
    assert.match(
      table,
      /\| attacker contained \(harvest <= 10% of none\) \| reference \| yes \(10\.00% of none\) \|/,
    );
    assert.match(table, /\| world saturated \(ratios are lower bounds\) \| yes: harvest \| no \|/);
    assert.match(table, /\| accounts revealed per attacker account \| - \| - \|/);
  });
});
