import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario } from './scenario.ts';

describe('parseScenario', () => {
  it('reads durations and fills defaults', () => {
    const s = parseScenario(
      `name: t
duration: 30d
population: { accounts: 1000 }
legit: { users: 10 }
attackers:
  - { kind: random, numbersPerSecond: 7000, clientIp: 198.51.100.7, start: 1d }
`,
      'scenario.yaml',
    );
    assert.equal(s.duration, 30 * 86_400_000);
    assert.equal(s.seed, 1);
    assert.equal(s.batchSize, 1000);
    assert.equal(s.legit.cgnatShare, 0.2);
    assert.deepEqual(s.attackers[0], {
      kind: 'random',
      sessions: 1,
      numbersPerSecond: 7000,
      clientIp: '198.51.100.7',
      start: 86_400_000,
    });
  });

  it('names the file, line and path of every mistake', () => {
    assert.throws(
      () =>
        parseScenario(
          `name: t
duration: 30 days
population: { accounts: 1000 }
legit: { users: 10, cgnatShare: 2 }
attackers:
  - { kind: random, numbersPerSecond: 7000, clientIp: not-an-ip }
`,
          'dir/scenario.yaml',
        ),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, 'ERR_SCENARIO_INVALID');
        assert.equal(
          err.message,
          [
            'scenario.yaml:2 duration: expected a duration like "10s", "5 m" or "1h", got "30 days"',
            'scenario.yaml:4 legit.cgnatShare: expected a share from 0 to 1, got 2',
            'scenario.yaml:6 attackers[0].clientIp: expected an IP address, got "not-an-ip"',
          ].join('\n'),
        );
        return true;
      },
    );
  });

  it('refuses unknown keys', () => {
    assert.throws(
      () =>
        parseScenario(
          'name: t\nduration: 1d\npopulation: { accounts: 10 }\nlegit: { users: 1 }\nattackerz: []\n',
          's.yaml',
        ),
      /s\.yaml:5 .*attackerz/,
    );
  });
});
