import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy } from '../policy/index.ts';
import { runWorld, type WorldOptions } from './world.ts';

const HOUR = 3_600_000;

/** A tiny world: 3,000 accounts, 150 legit users, one scanner at 2,000 numbers/s for 2 hours. */
function tinyWorld(policyYaml: string): WorldOptions {
  return {
    seed: 42,
    accounts: 3000,
    durationMs: 2 * HOUR,
    policy: compilePolicy(policyYaml),
    legit: {
      users: 150,
      installWithinMs: HOUR,
      resyncEveryMs: 24 * HOUR,
      newContactsPerWeek: 2,
      cgnatShare: 0.2,
      usersPerCgnatAddress: 50,
      ipv6Share: 0.3,
    },
    attackers: [
      { kind: 'random', sessions: 1, numbersPerSecond: 2000, clientIp: '198.51.100.7', startAtMs: 0 },
    ],
  };
}

const NONE = `version: 1
unmatched: allow
routes: []
`;

const PER_IP = `version: 1
unmatched: allow
routes:
  - id: discover
    match: { method: POST, path: /v1/contacts/discover }
    auth: none
    limits:
      - { id: per-ip, key: ip, rate: 3000/1h, cost: /numbers }
`;

describe('simulated world', () => {
  it('lets an unprotected scanner harvest the population, and a per-IP limit cut it', async () => {
    const open = await runWorld(tinyWorld(NONE));
    const limited = await runWorld(tinyWorld(PER_IP));
    // 2,000 numbers/s for 2 h is 14.4M lookups against ~52k candidates: everything is found.
    assert.ok(
      open.scorecard.attacker.populationShare > 0.95,
      `open share ${open.scorecard.attacker.populationShare}`,
    );
    assert.equal(open.scorecard.attacker.firstResponseMs, null);
    assert.ok(open.scorecard.attacker.withPhoto > open.scorecard.attacker.accountsRevealed * 0.5);
    assert.ok(limited.scorecard.attacker.accountsRevealed < open.scorecard.attacker.accountsRevealed / 10);
    assert.ok(limited.scorecard.attacker.firstResponseMs !== null);
    // Legit users synced in both runs.
    assert.ok(open.scorecard.legit.syncsStarted >= 150);
    assert.equal(open.scorecard.legit.usersDenied, 0);
    assert.ok((open.scorecard.legit.delayP99Ms ?? Infinity) < 60_000);
  });

  it('is repeatable: the same seed gives the same scorecard', async () => {
    const a = await runWorld(tinyWorld(PER_IP));
    const b = await runWorld(tinyWorld(PER_IP));
    assert.deepEqual({ ...a.scorecard, cost: undefined }, { ...b.scorecard, cost: undefined });
  });
});
