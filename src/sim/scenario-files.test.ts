import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { compilePolicy } from '../policy/index.ts';
import { loadScenario, parseScenario, worldOptions } from './scenario.ts';
import { runWorld } from './world.ts';

const DIR = new URL('../../scenarios/', import.meta.url).pathname;

describe('shipped scenarios', () => {
  it('parse, and cover every built-in attacker kind and a module', async () => {
    const kinds = new Set<string>();
    for (const name of readdirSync(DIR).filter((f) => f.endsWith('.yaml'))) {
      const s = await loadScenario(join(DIR, name));
      for (const a of worldOptions(s).attackers) kinds.add(a.kind);
    }
    for (const k of ['random', 'sequential', 'leak-list', 'sybil', 'rotation', 'low-and-slow', 'module'])
      assert.ok(kinds.has(k), `no scenario uses ${k}`);
  });

  it('ships a Sybil swarm of at least 1,000 accounts', async () => {
    const [sybil] = (await loadScenario(join(DIR, 'sybil-swarm.yaml'))).attackers;
    assert.ok(sybil?.kind === 'sybil' && sybil.accounts >= 1000);
  });
});

describe('agent modules', () => {
  it('loads an agent module relative to the scenario file and runs its agents', async () => {
    const s = parseScenario(
      `name: m
duration: 10m
batchSize: 100
population: { accounts: 3000 }
legit: { users: 5, installWithin: 1m }
attackers:
  - { kind: module, module: ./agents/prefix-walker.ts, options: { country: DE, numbersPerSecond: 50 } }
`,
      join(DIR, 'inline.yaml'),
    );
    assert.deepEqual(s.attackers[0], {
      kind: 'module',
      module: join(DIR, 'agents/prefix-walker.ts'),
      options: { country: 'DE', numbersPerSecond: 50 },
    });
    const run = await runWorld({
      ...worldOptions(s),
      policy: compilePolicy('version: 1\nunmatched: allow\nroutes: []\n'),
    });
    // 50 numbers/s for 10 minutes would be 30,000: the walker stops at the end of Germany's range.
    const de = run.population.countries.find((c) => c.code === 'DE');
    assert.equal(run.scorecard.attacker.numbersLookedUp, Math.min(29_900, de?.candidateCount ?? 0));
    assert.ok(run.scorecard.attacker.accountsRevealed > 0);
  });

  it('fails with the module path when the module cannot be loaded', async () => {
    const s = parseScenario(
      'name: m\nduration: 1m\npopulation: { accounts: 100 }\nlegit: { users: 1 }\nattackers:\n  - { kind: module, module: ./nope.ts }\n',
      join(DIR, 'inline.yaml'),
    );
    await assert.rejects(
      runWorld({ ...worldOptions(s), policy: compilePolicy('version: 1\nunmatched: allow\nroutes: []\n') }),
      (err: Error & { code?: string }) =>
        err.code === 'ERR_SCENARIO_INVALID' && err.message.includes('nope.ts'),
    );
  });
});

describe('attacker entries', () => {
  it('name the line and path of a bad pool, country or unknown key', () => {
    assert.throws(
      () =>
        parseScenario(
          `name: t
duration: 1d
population: { accounts: 1000 }
legit: { users: 1 }
attackers:
  - { kind: sybil, accounts: 10, numbersPerSecondPerAccount: 1, pool: 8, ipv6Prefixes: 2 }
  - { kind: sequential, numbersPerSecond: 10, clientIp: 192.0.2.1, country: XX }
  - { kind: rotation, numbersPerSecond: 10, pool: 10.0.0.0/40 }
  - { kind: leak-list, numbersPerSecond: 10, clientIp: 192.0.2.1, size: 10, salt: 1 }
`,
          's.yaml',
        ),
      (err: Error) => {
        assert.match(
          err.message,
          /s\.yaml:6 attackers\[0\]\.pool: give either pool \(IPv4\) or ipv6Prefixes/,
        );
        assert.match(
          err.message,
          /s\.yaml:7 attackers\[1\]\.country: expected one of the population's countries/,
        );
        assert.match(err.message, /s\.yaml:8 attackers\[2\]\.pool: expected an IPv4 block/);
        assert.match(err.message, /s\.yaml:9 .*salt/);
        return true;
      },
    );
  });
});
