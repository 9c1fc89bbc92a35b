import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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
  it('times the first refusal and containment from the start of the attack, not of the run', async () => {
    const late = tinyWorld(PER_IP);
    const startAtMs = HOUR / 2;
    const run = await runWorld({
      ...late,
      attackers: late.attackers.map((a) => ({ ...a, startAtMs })),
    });
    const { firstResponseMs, containedMs } = run.scorecard.attacker;
    // 3,000 numbers an hour against 2,000 a second: refused within the first two seconds.
    assert.ok(firstResponseMs !== null && firstResponseMs < 5_000, `first response ${firstResponseMs}`);
    assert.ok(containedMs !== null && containedMs >= firstResponseMs && containedMs < 2 * HOUR - startAtMs);
  });

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

describe('the incremental-cd baseline', () => {
  const INCREMENTAL = readFileSync('baselines/incremental-cd.yaml', 'utf8');
  /** The full-lookup bucket alone, charged for re-syncs too: what incremental discovery avoids. */
  const FULL_ONLY = `version: 1
unmatched: allow
routes:
  - id: discover
    match: { method: POST, path: /v1/contacts/discover/* }
    auth: none
    limits:
      - { id: full, key: { header: authorization }, rate: 20000/10d, burst: 20000, cost: /numbers }
`;

  it('holds a random scanner to its full-lookup bucket', async () => {
    const world = (policyYaml: string): WorldOptions => ({
      ...tinyWorld(policyYaml),
      durationMs: 6 * HOUR,
      batchSize: 500,
      attackers: [
        { kind: 'random', sessions: 1, numbersPerSecond: 10, clientIp: '198.51.100.7', startAtMs: 0 },
      ],
    });
    const open = (await runWorld(world(NONE))).scorecard.attacker;
    const run = await runWorld(world(INCREMENTAL));
    const scanned = run.scorecard.attacker;
    // 216,000 numbers asked; the bucket lets 20,000 through, plus ~500 refilled in 6 hours.
    assert.ok(scanned.numbersLookedUp <= 20_600, `scanner looked up ${scanned.numbersLookedUp}`);
    assert.ok(
      scanned.accountsRevealed < open.accountsRevealed / 3,
      `${scanned.accountsRevealed} vs ${open.accountsRevealed} revealed`,
    );
    assert.equal(run.scorecard.legit.usersDenied, 0);
  });

  it('lets frequent re-syncs of large address books through, where one bucket for all would not', async () => {
    /** 500 users re-syncing twice a day for 12 days; books of thousands pass 40,000 numbers. */
    const world = (policyYaml: string): WorldOptions => ({
      ...tinyWorld(policyYaml),
      durationMs: 12 * 24 * HOUR,
      legit: { ...tinyWorld(NONE).legit, users: 500, resyncEveryMs: 12 * HOUR },
      attackers: [],
    });
    const single = (await runWorld(world(FULL_ONLY))).scorecard.legit;
    const incremental = (await runWorld(world(INCREMENTAL))).scorecard.legit;
    assert.ok(single.usersDenied > 0, 'the books are too small to tell the policies apart');
    assert.ok(incremental.syncsStarted > 500 * 20, `${incremental.syncsStarted} syncs`);
    assert.equal(incremental.usersDenied, 0);
    assert.equal(incremental.syncsAbandoned, 0);
  });
});
