import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario, parseScenario, worldOptions } from '../../scenario.ts';
import { ADAPTIVE_KINDS } from './adaptive-spec.ts';

const DIR = new URL('../../../../scenarios/', import.meta.url).pathname;
const head = 'name: t\nduration: 1d\npopulation: { accounts: 1000 }\nlegit: { users: 10 }\nattackers:\n';

describe('adaptive attackers in a scenario', () => {
  it('reads an entry with its defaults, durations in ms and networks resolved', () => {
    const s = parseScenario(
      `${head}  - { kind: swarm, accounts: 40, ipv6Networks: 20, retireAfter: 2h, start: 1h }\n`,
    );
    assert.deepEqual(worldOptions(s).attackers[0], {
      kind: 'swarm',
      startAtMs: 3_600_000,
      accounts: 40,
      sims: 40,
      networks: { kind: 'ipv6', count: 20 },
      numbersPerSecond: { start: 0.1, min: 0.0001, max: 10 },
      fetchesPerSecond: 1,
      retireAfterMs: 7_200_000,
    });
  });

  it('names the line and path of every mistake', () => {
    assert.throws(
      () =>
        parseScenario(
          `${head}  - { kind: padding, accounts: 10, sims: 5, ipv4Networks: 600, hitRatio: 2 }
  - { kind: recycler, clientIp: 192.0.2.1, ipv6Networks: 3, recycle: sometimes }
  - { kind: swarm, clientIp: 192.0.2.1, numbersPerSecond: 20, maxNumbersPerSecond: 5 }
  - { kind: hidden, clientIp: 192.0.2.1, ipv4Networks: 3 }
`,
          'bad.yaml',
        ),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, 'ERR_SCENARIO_INVALID');
        const lines = err.message.split('\n');
        for (const expected of [
          'bad.yaml:6 attackers[0].ipv4Networks: expected at most 512, got 600',
          'bad.yaml:6 attackers[0].hitRatio: expected a share from 0 to 1, got 2',
          'bad.yaml:7 attackers[1].recycle:',
          'bad.yaml:8 attackers[2].numbersPerSecond: expected minNumbersPerSecond <= numbersPerSecond <= maxNumbersPerSecond, got 0.0001, 20, 5',
          'bad.yaml:9 attackers[3]',
        ])
          assert.ok(
            lines.some((l) => l.startsWith(expected)),
            `no message starting "${expected}" in:\n${err.message}`,
          );
        return true;
      },
    );
  });

  it('refuses fewer SIM numbers than accounts, and two ways to place the accounts', () => {
    assert.throws(
      () =>
        parseScenario(
          `${head}  - { kind: swarm, accounts: 10, sims: 5, clientIp: 192.0.2.1, ipv4Networks: 2 }\n`,
          's.yaml',
        ),
      (err: Error) => {
        assert.match(
          err.message,
          /s\.yaml:6 attackers\[0\]\.sims: expected at least accounts \(10\) SIM numbers, got 5/,
        );
        assert.match(
          err.message,
          /attackers\[0\]\.ipv4Networks: give exactly one of ipv4Networks, ipv6Networks or clientIp/,
        );
        return true;
      },
    );
  });

  it('every adaptive kind has a shipped scenario, scenarios/adaptive-*.yaml', async () => {
    const kinds = new Set<string>();
    for (const name of readdirSync(DIR).filter((f) => f.startsWith('adaptive-') && f.endsWith('.yaml')))
      for (const a of worldOptions(await loadScenario(join(DIR, name))).attackers) kinds.add(a.kind);
    for (const k of ADAPTIVE_KINDS) assert.ok(kinds.has(k), `no scenario uses ${k}`);
  });
});
