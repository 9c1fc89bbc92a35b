import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy } from '../policy/index.ts';
import { parseScenario, worldOptions } from './scenario.ts';
import type { Scorecard } from './scorecard.ts';
import { runWorld } from './world.ts';

/**
 * Each issue-12 defense changes the outcome: the same small world and adaptive attack, with the
 * defense on and off, and the attackers harvest more with it off. Tiny worlds (3,000 accounts,
 * about 54k candidates) keep each run to a second or two.
 */
function scenario(attacker: string): ReturnType<typeof worldOptions> {
  return worldOptions(
    parseScenario(`name: outcome
seed: 21
duration: 3d
batchSize: 100
population: { accounts: 3000 }
legit: { users: 30, installWithin: 1h, cgnatShare: 0, ipv6Share: 0 }
attackers:
  - ${attacker}
`),
  );
}

interface Switches {
  /** Bind sessions to accounts at registration (off: the token pointer finds nothing). */
  readonly bind?: boolean;
  /** Gate the lookup's records mutual-first (off: no reveal on the route). */
  readonly reveal?: boolean;
  /** One budget for every unanchored account together. */
  readonly population?: boolean;
}

function policy(s: Switches): string {
  return `version: 1
unmatched: allow
accounts:
  register: { route: register, number: /number, token: ${s.bind === false ? '/no-such-member' : '/token'} }
contacts:
  budget: [{ trust: 0, rate: 1/2d, burst: 10 }]
${s.population === true ? '  population: { rate: 20/1d, burst: 20 }' : ''}
routes:
  - id: register
    match: { method: POST, path: /v1/accounts }
    auth: none
  - id: discover
    match: { method: POST, path: /v1/contacts/discover }
    auth: none
    targets: /numbers
${s.reveal === false ? '' : '    reveal: { records: /contacts, number: number }'}
    limits:
      - id: new-numbers
        key: account
        rate: 200/1d
        burst: 2000
        distinct: /numbers
`;
}

async function harvest(attacker: string, s: Switches): Promise<Scorecard['attacker']> {
  const world = await runWorld({ ...scenario(attacker), policy: compilePolicy(policy(s)) });
  return world.scorecard.attacker;
}

const SWARM =
  '{ kind: swarm, accounts: 20, ipv4Networks: 20, batchSize: 50, numbersPerSecond: 0.05, maxNumbersPerSecond: 1, start: 1h }';

describe('issue-12 defenses change the outcome', () => {
  it('mutual-first reveals: a quiet swarm harvests far more without them', async () => {
    const on = await harvest(SWARM, {});
    const off = await harvest(SWARM, { reveal: false });
    assert.ok(on.accountsRevealed <= 20 * (10 + 2), `on: ${on.accountsRevealed}`);
    assert.ok(
      off.accountsRevealed > 5 * on.accountsRevealed,
      `on ${on.accountsRevealed}, off ${off.accountsRevealed}`,
    );
  });

  it('budgets that follow the account: a recycler of one number harvests more when sessions are not bound', async () => {
    const recycler =
      '{ kind: recycler, recycle: same-number, accounts: 5, ipv4Networks: 5, batchSize: 50, numbersPerSecond: 0.1, maxNumbersPerSecond: 2, retireAfter: 1m, start: 1h }';
    const on = await harvest(recycler, {});
    const off = await harvest(recycler, { bind: false });
    assert.ok(
      off.accountsRevealed > 2 * on.accountsRevealed,
      `on ${on.accountsRevealed}, off ${off.accountsRevealed}`,
    );
  });

  it('the population budget: a swarm harvests more without it', async () => {
    const on = await harvest(SWARM, { population: true });
    const off = await harvest(SWARM, {});
    assert.ok(on.accountsRevealed <= 20 + 3 * 20, `on: ${on.accountsRevealed}`);
    assert.ok(
      off.accountsRevealed > on.accountsRevealed,
      `on ${on.accountsRevealed}, off ${off.accountsRevealed}`,
    );
  });
});
