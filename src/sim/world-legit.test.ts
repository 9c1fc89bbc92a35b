import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy } from '../policy/index.ts';
import { runWorld, type WorldOptions } from './world.ts';

const HOUR = 3_600_000;
const NONE = 'version: 1\nunmatched: allow\nroutes: []\n';
const PER_IP = `version: 1
unmatched: allow
routes:
  - id: discover
    match: { method: POST, path: /v1/contacts/discover }
    auth: none
    limits:
      - { id: per-ip, key: ip, rate: 3000/1h, cost: /numbers }
`;

function world(policy: string): WorldOptions {
  return {
    seed: 7,
    accounts: 3000,
    durationMs: 6 * HOUR,
    policy: compilePolicy(policy),
    legit: {
      users: 200,
      installWithinMs: HOUR,
      resyncEveryMs: 24 * HOUR,
      newContactsPerWeek: 2,
      cgnatShare: 0,
      usersPerCgnatAddress: 50,
      ipv6Share: 0,
      reinstallShare: 0.2,
      powerUserShare: 0.02,
      fewContactsShare: 0.1,
      withAttackerAddress: { address: '198.51.100.7', users: 100 },
    },
    attackers: [
      { kind: 'random', sessions: 2, numbersPerSecond: 2000, clientIp: '198.51.100.7', startAtMs: 2 * HOUR },
    ],
  };
}

describe('simulated world with realistic legit users', () => {
  it('splits discovery delay: with no defense every registered contact is revealed within the round trips of its sync', async () => {
    const { scorecard } = await runWorld(world(NONE));
    const { mutual, other } = scorecard.legit.contactDelay;
    assert.ok(
      mutual.contacts > 100 && other.contacts > 100,
      `${mutual.contacts} mutual, ${other.contacts} other`,
    );
    assert.deepEqual([mutual.unrevealed, other.unrevealed], [0, 0]);
    // Within the sync's own batches: a power user's 5,000 numbers take a few round trips.
    assert.ok((mutual.p99Ms ?? Infinity) < 1000 && (other.p99Ms ?? Infinity) < 1000);
    assert.equal(scorecard.legit.contactDelayUsers, 200);
    // The unprotected world is emptied: the scorecard says its harvest is capped by the world.
    assert.ok(scorecard.attacker.saturated && scorecard.attacker.saturatedBy.includes('harvest'));
    assert.equal(scorecard.attacker.attackerAccounts, 2);
  });

  it("charges the attacker's per-IP limit to the legit users sharing its address, by cause", async () => {
    const { scorecard } = await runWorld(world(PER_IP));
    const refused = scorecard.legit.usersRefusedByCause['limit discover/per-ip'] ?? 0;
    assert.ok(refused > 0, `${refused} legit users refused by per-ip`);
    assert.equal(scorecard.attacker.saturated, false);
    assert.ok(scorecard.legit.contactDelay.other.unrevealed > 0, 'refused syncs leave contacts unrevealed');
  });
});
