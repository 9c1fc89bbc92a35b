import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy } from '../policy/index.ts';
import { formatE164 } from '../reference/e164.ts';
import { createPopulation } from '../reference/population/population.ts';
import type { Scorecard } from './scorecard.ts';
import { runWorld, type AttackerOptions } from './world.ts';

/**
 * Each defense changes the outcome (issue 4): the same small world and attack, with the
 * defense on and off, and the attackers harvest more with it off. Tiny worlds (3,000
 * accounts, ~54k candidates) keep each run well under a second.
 */
const MINUTE = 60_000;
const SEED = 5;
const ACCOUNTS = 3000;
const ip = '198.51.100.9';

async function run(
  policyYaml: string,
  attackers: AttackerOptions[],
  durationMs = 20 * MINUTE,
): Promise<Scorecard> {
  const world = await runWorld({
    seed: SEED,
    accounts: ACCOUNTS,
    durationMs,
    batchSize: 100,
    policy: compilePolicy(policyYaml),
    legit: {
      users: 20,
      installWithinMs: MINUTE,
      resyncEveryMs: 86_400_000,
      newContactsPerWeek: 1,
      cgnatShare: 0,
      usersPerCgnatAddress: 1,
      ipv6Share: 0,
    },
    attackers,
  });
  return world.scorecard;
}

interface Parts {
  readonly detect?: string;
  readonly egress?: string;
  readonly limits?: string;
  readonly routes?: string;
}

/** The discover route with the given parts, under a risk section keyed by bearer token. */
function policy(p: Parts): string {
  return `version: 1
unmatched: allow
risk:
  identity: { header: authorization }
routes:
${p.routes ?? ''}
  - id: discover
    match: { method: POST, path: /v1/contacts/discover }
    auth: none
    targets: /numbers
${p.detect ? `    detect:\n${p.detect}` : ''}
    egress:
${p.egress ?? '      records: /contacts\n      stripWhen: always'}
${p.limits ? `    limits:\n${p.limits}` : ''}
`;
}

const random = (sessions = 1): AttackerOptions => ({
  kind: 'random',
  sessions,
  numbersPerSecond: 50,
  clientIp: ip,
  startAtMs: 0,
});
const sequential: AttackerOptions = {
  kind: 'sequential',
  sessions: 1,
  numbersPerSecond: 50,
  clientIp: ip,
  startAt: 0,
  startAtMs: 0,
};
const leakList: AttackerOptions = {
  kind: 'leak-list',
  sessions: 1,
  numbersPerSecond: 20,
  clientIp: ip,
  size: 2000,
  staleShare: 0.1,
  startAtMs: 0,
};

async function compare(on: string, off: string, attackers: AttackerOptions[], durationMs?: number) {
  const [withIt, without] = [await run(on, attackers, durationMs), await run(off, attackers, durationMs)];
  return { on: withIt, off: without };
}

const revealed = (s: Scorecard): number => s.attacker.accountsRevealed;

describe('each defense changes the outcome', () => {
  it('hit ratio: withholds a random scan from its first answer', async () => {
    const r = await compare(
      policy({ detect: '      hitRatio: { weight: 100, below: 0.2, minTargets: 100 }' }),
      policy({}),
      [random()],
    );
    assert.equal(revealed(r.on), 0);
    assert.ok(revealed(r.off) > 100, `off: ${revealed(r.off)}`);
    assert.equal(r.on.legit.usersDenied, 0);
    assert.equal(r.on.detection.attackerIdentitiesRefused, 1);
    assert.ok((r.on.detection.firstAttributionMs ?? Infinity) <= 60_000);
  });

  it('range density: stops a sequential walk of number blocks', async () => {
    const r = await compare(
      policy({ detect: '      rangeDensity: { weight: 100, blockDigits: 4, window: 60s, hotShare: 0.05 }' }),
      policy({}),
      [sequential],
    );
    assert.ok(revealed(r.on) < revealed(r.off) / 2, `on ${revealed(r.on)}, off ${revealed(r.off)}`);
    assert.equal(r.on.legit.usersDenied, 0);
  });

  it('canaries: refuse the scanner that walks into one', async () => {
    // The first unregistered candidates the sequential scanner will ask about.
    const population = createPopulation({ seed: SEED, accounts: ACCOUNTS, startMs: Date.UTC(2024, 8, 1) });
    const canaries: string[] = [];
    for (let i = 150; canaries.length < 3; i++) {
      if (population.accountOfCandidate(i) < 0) canaries.push(`"${formatE164(population.candidateAt(i))}"`);
    }
    const r = await compare(
      policy({ detect: `      canaries: { weight: 100, numbers: [${canaries.join(', ')}] }` }),
      policy({}),
      [sequential],
    );
    assert.ok(revealed(r.on) < revealed(r.off) / 2, `on ${revealed(r.on)}, off ${revealed(r.off)}`);
    // Blocked, the scanner retries the same batch when the block ends, and trips it again.
    assert.ok((r.on.detection.findings['canary'] ?? 0) >= 1);
    assert.equal(r.off.detection.findings['canary'], undefined);
  });

  it('distinct-new-target quota: caps what a leak list reveals', async () => {
    const quota =
      '      - { id: new, key: { header: authorization }, rate: 1/1d, burst: 500, distinct: /numbers }';
    const r = await compare(policy({ limits: quota }), policy({}), [leakList]);
    assert.ok(
      revealed(r.on) <= 500 && revealed(r.off) > 1000,
      `on ${revealed(r.on)}, off ${revealed(r.off)}`,
    );
  });

  it('ramp: a new account gets less of the quota', async () => {
    const quota = (ramp: string) =>
      `      - { id: new, key: { header: authorization }, rate: 1/1d, burst: 1000, distinct: /numbers${ramp} }`;
    const r = await compare(
      policy({ limits: quota(', ramp: { from: 0.25, over: 7d }') }),
      policy({ limits: quota('') }),
      [leakList],
    );
    assert.ok(revealed(r.on) < revealed(r.off) / 2, `on ${revealed(r.on)}, off ${revealed(r.off)}`);
  });

  it('egress: caps records per account per window, and strips photo and about', async () => {
    const r = await compare(
      policy({
        egress:
          '      records: /contacts\n      strip: [photo, about]\n      stripWhen: always\n      perIdentity: { rate: 1/1d, burst: 300 }',
      }),
      policy({}),
      [leakList],
    );
    assert.ok(
      revealed(r.on) <= 300 && revealed(r.off) > 1000,
      `on ${revealed(r.on)}, off ${revealed(r.off)}`,
    );
    assert.equal(r.on.attacker.withPhoto, 0);
    assert.ok(r.off.attacker.withPhoto > 0);
  });

  it('sign-ups per network: a Sybil swarm from one /24 gets fewer accounts', async () => {
    const swarm: AttackerOptions = {
      kind: 'sybil',
      accounts: 40,
      numbersPerSecondPerAccount: 2,
      pool: { ipv4: '203.0.113.0/24' },
      startAtMs: 0,
    };
    const quota =
      '      - { id: new, key: { header: authorization }, rate: 1/1d, burst: 200, distinct: /numbers }';
    const signups = `  - id: register
    match: { method: POST, path: /v1/accounts }
    auth: none
    limits:
      - { id: per-network, key: { ip: { v4: 24, v6: 48 } }, rate: 5/1d }`;
    const r = await compare(policy({ limits: quota, routes: signups }), policy({ limits: quota }), [swarm]);
    assert.ok(revealed(r.on) < revealed(r.off) / 2, `on ${revealed(r.on)}, off ${revealed(r.off)}`);
  });
});
