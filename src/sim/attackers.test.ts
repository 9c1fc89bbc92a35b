import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy } from '../policy/index.ts';
import { runWorld, type AttackerOptions, type WorldOptions } from './world.ts';

const MINUTE = 60_000;

/** A tiny world (3,000 accounts, ~54k candidates, 10 legit users) with the given attackers. */
function world(policyYaml: string, attackers: AttackerOptions[], durationMs = 10 * MINUTE): WorldOptions {
  return {
    seed: 5,
    accounts: 3000,
    durationMs,
    batchSize: 100,
    policy: compilePolicy(policyYaml),
    legit: {
      users: 10,
      installWithinMs: MINUTE,
      resyncEveryMs: 86_400_000,
      newContactsPerWeek: 1,
      cgnatShare: 0,
      usersPerCgnatAddress: 1,
      ipv6Share: 0,
    },
    attackers,
  };
}

function policy(limits: string): string {
  return `version: 1
unmatched: allow
routes:
  - id: discover
    match: { method: POST, path: /v1/contacts/discover }
    auth: none
    limits:
${limits}`;
}

const NONE = 'version: 1\nunmatched: allow\nroutes: []\n';
const PER_IP = policy('      - { id: per-ip, key: ip, rate: 2000/1h, cost: /numbers }\n');
const PER_64 = policy(
  '      - { id: per-64, key: { ip: { v4: 32, v6: 64 } }, rate: 2000/1h, cost: /numbers }\n',
);
const PER_ACCOUNT = policy(
  '      - { id: per-account, key: { header: authorization }, rate: 2000/1h, cost: /numbers }\n',
);
const GLOBAL = policy('      - { id: all, key: global, rate: 5000/1h, cost: /numbers }\n');

const ip = '198.51.100.9';
/** The limits' algorithms admit a little over the nominal rate at a window's edge: allow for it. */
const within = (n: number, limit: number): boolean => n <= limit * 1.5;
const random = (numbersPerSecond: number): AttackerOptions => ({
  kind: 'random',
  sessions: 1,
  numbersPerSecond,
  clientIp: ip,
  startAtMs: 0,
});

async function harvest(policyYaml: string, attackers: AttackerOptions[], durationMs?: number) {
  return (await runWorld(world(policyYaml, attackers, durationMs))).scorecard.attacker;
}

const hitRatio = (a: { accountsRevealed: number; numbersLookedUp: number }): number =>
  a.accountsRevealed / a.numbersLookedUp;

describe('built-in attackers', () => {
  it('leak-list: hits far more often than random numbers, less its stale share', async () => {
    const leak = await harvest(NONE, [
      {
        kind: 'leak-list',
        sessions: 1,
        numbersPerSecond: 100,
        clientIp: ip,
        size: 1000,
        staleShare: 0.2,
        startAtMs: 0,
      },
    ]);
    const rnd = await harvest(NONE, [random(100)]);
    assert.equal(leak.numbersLookedUp, 1000);
    assert.equal(leak.accountsRevealed, 800);
    assert.ok(hitRatio(rnd) < 0.15, `random hit ratio ${hitRatio(rnd)}`);
    assert.ok(hitRatio(leak) > 5 * hitRatio(rnd));
  });

  it('sequential: a dense country yields more hits per lookup than a sparse one', async () => {
    const scan = (country: string): AttackerOptions => ({
      kind: 'sequential',
      sessions: 1,
      numbersPerSecond: 100,
      clientIp: ip,
      country,
      startAt: 0,
      count: 3000,
      startAtMs: 0,
    });
    const brazil = await harvest(NONE, [scan('BR')]);
    const us = await harvest(NONE, [scan('US')]);
    assert.equal(brazil.numbersLookedUp, 3000);
    assert.ok(hitRatio(brazil) > 3 * hitRatio(us), `BR ${hitRatio(brazil)} vs US ${hitRatio(us)}`);
  });

  it('rotation over an IPv4 /24 defeats a per-IP limit but not a per-account one', async () => {
    const rotation: AttackerOptions = {
      kind: 'rotation',
      sessions: 1,
      numbersPerSecond: 100,
      pool: { ipv4: '203.0.113.0/24' },
      startAtMs: 0,
    };
    const fixedIp = await harvest(PER_IP, [random(100)]);
    const perIp = await harvest(PER_IP, [rotation]);
    const perAccount = await harvest(PER_ACCOUNT, [rotation]);
    assert.ok(within(fixedIp.numbersLookedUp, 2000), `fixed IP looked up ${fixedIp.numbersLookedUp}`);
    assert.ok(perIp.numbersLookedUp >= 50_000, `rotation looked up ${perIp.numbersLookedUp}`);
    assert.equal(perIp.firstResponseMs, null);
    assert.ok(within(perAccount.numbersLookedUp, 2000));
    assert.ok(perIp.accountsRevealed > 10 * perAccount.accountsRevealed);
  });

  it('rotation inside one IPv6 /64 is held by key: ip as by a per-/64 limit (issue 13)', async () => {
    const rotation: AttackerOptions = {
      kind: 'rotation',
      sessions: 1,
      numbersPerSecond: 100,
      pool: { ipv6Prefixes: 1 },
      startAtMs: 0,
    };
    const perIp = await harvest(PER_IP, [rotation]);
    const per64 = await harvest(PER_64, [rotation]);
    assert.ok(within(perIp.numbersLookedUp, 2000), `key: ip let ${perIp.numbersLookedUp} through`);
    assert.ok(within(per64.numbersLookedUp, 2000));
    assert.equal(perIp.numbersLookedUp, per64.numbersLookedUp);
  });

  it('sybil: 100 accounts each under a per-account limit defeat it, but not a global one', async () => {
    const sybil: AttackerOptions = {
      kind: 'sybil',
      accounts: 100,
      numbersPerSecondPerAccount: 1,
      pool: { ipv4: 100 },
      startAtMs: 0,
    };
    const single = await harvest(PER_ACCOUNT, [random(100)]);
    const perAccount = await harvest(PER_ACCOUNT, [sybil]);
    const global = await harvest(GLOBAL, [sybil]);
    assert.ok(within(single.numbersLookedUp, 2000));
    assert.equal(perAccount.firstResponseMs, null);
    assert.ok(perAccount.numbersLookedUp >= 50_000, `sybil looked up ${perAccount.numbersLookedUp}`);
    assert.ok(within(global.numbersLookedUp, 5000), `global let ${global.numbersLookedUp} through`);
    assert.ok(perAccount.accountsRevealed > 10 * global.accountsRevealed);
  });

  it('low-and-slow: stays under a per-IP limit that stops a fast scanner, and keeps harvesting', async () => {
    const slow: AttackerOptions = {
      kind: 'low-and-slow',
      sessions: 1,
      numbersPerSecond: 0.5,
      clientIp: ip,
      jitter: 0.5,
      batchSize: 50,
      startAtMs: 0,
    };
    const sixHours = 360 * MINUTE;
    const slowRun = await harvest(PER_IP, [slow], sixHours);
    const fast = await harvest(PER_IP, [random(100)], sixHours);
    assert.equal(slowRun.firstResponseMs, null);
    // 0.5/s for 6 h is 10,800 numbers on average; the jitter moves it a little.
    assert.ok(
      Math.abs(slowRun.numbersLookedUp - 10_800) < 1_000,
      `slow looked up ${slowRun.numbersLookedUp}`,
    );
    assert.notEqual(fast.firstResponseMs, null);
    assert.ok(within(fast.numbersLookedUp, 6 * 2000), `fast looked up ${fast.numbersLookedUp}`);
  });
});
