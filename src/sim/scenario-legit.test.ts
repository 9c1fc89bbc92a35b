import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario, worldOptions } from './scenario.ts';

const scenario = (legit: string): string => `name: t
duration: 1d
population: { accounts: 1000 }
legit: ${legit}
`;

describe('parseScenario legit realism', () => {
  it('fills the realistic legit defaults and passes them to the world', () => {
    const s = parseScenario(scenario('{ users: 10 }'), 's.yaml');
    const { legit } = worldOptions(s);
    assert.deepEqual(
      [legit.reinstallShare, legit.powerUserShare, legit.powerUserContacts, legit.fewContactsShare],
      [0.05, 0.01, 5000, 0.05],
    );
    assert.equal('withAttackerAddress' in legit, false);
  });

  it("places users on an attacker's address", () => {
    const s = parseScenario(
      scenario('{ users: 400, withAttackerAddress: { address: 198.51.100.7, users: 300 } }'),
      's.yaml',
    );
    assert.deepEqual(worldOptions(s).legit.withAttackerAddress, { address: '198.51.100.7', users: 300 });
  });

  it("refuses more users on the attacker's address than there are, and shares past 1", () => {
    assert.throws(
      () =>
        parseScenario(
          scenario(
            '{ users: 10, powerUserShare: 0.6, fewContactsShare: 0.6, withAttackerAddress: { address: 198.51.100.7, users: 300 } }',
          ),
          's.yaml',
        ),
      (err: Error) => {
        assert.equal(
          err.message,
          [
            's.yaml:4 legit.fewContactsShare: powerUserShare and fewContactsShare add up to more than 1 (1.2)',
            "s.yaml:4 legit.withAttackerAddress.users: 300 users on the attacker's address, but only 10 legit users",
          ].join('\n'),
        );
        return true;
      },
    );
    assert.throws(
      () =>
        parseScenario(scenario('{ users: 10, withAttackerAddress: { address: nope, users: 1 } }'), 's.yaml'),
      /legit\.withAttackerAddress\.address: expected an IP address, got "nope"/,
    );
  });
});
