import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isEnumguardError } from '../core/errors.ts';
import { loadPolicy } from '../policy/index.ts';
import { runPolicies } from './parallel-runs.ts';
import { loadScenario, worldOptions } from './scenario.ts';
import { runWorld } from './world.ts';

const SCENARIO = 'test/fixtures/scenarios/tiny.yaml';
const HOUR = 3_600_000;

describe('runPolicies', () => {
  it('runs policies on worker threads, in policy order, with the same scorecards as on this thread', async () => {
    const started: string[] = [];
    const runs = await runPolicies({
      scenarioPath: SCENARIO,
      policies: [
        { name: 'none', path: 'baselines/none.yaml' },
        { name: 'signal-cdsi', path: 'baselines/signal-cdsi.yaml' },
        { name: 'per-ip', path: 'baselines/per-ip.yaml' },
      ],
      durationMs: HOUR,
      jobs: 2,
      shouldStop: () => false,
      onStart: (name) => started.push(name),
    });
    assert.deepEqual(
      runs.map((r) => r.name),
      ['none', 'signal-cdsi', 'per-ip'],
    );
    assert.deepEqual(started.slice(0, 2).sort(), ['none', 'signal-cdsi']);
    assert.ok(runs.every((r) => !r.stoppedEarly && r.virtualMs <= HOUR && r.requests > 0));
    const here = await runWorld({
      ...worldOptions(await loadScenario(SCENARIO)),
      durationMs: HOUR,
      policy: await loadPolicy('baselines/signal-cdsi.yaml'),
    });
    assert.deepEqual(runs[1]?.scorecard.attacker, here.scorecard.attacker);
    assert.deepEqual(runs[1]?.scorecard.legit, here.scorecard.legit);
  });

  it('fails with the run and the cause when a worker cannot run its scenario', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'enumguard-runs-'));
    const scenario = join(dir, 'broken.yaml');
    writeFileSync(
      scenario,
      [
        'name: broken',
        'duration: 1h',
        'population: { accounts: 20000 }',
        'legit: { users: 10 }',
        'attackers:',
        '  - { kind: module, module: ./missing-agent.ts }',
        '',
      ].join('\n'),
    );
    await assert.rejects(
      runPolicies({
        scenarioPath: scenario,
        policies: [{ name: 'none', path: 'baselines/none.yaml' }],
        durationMs: HOUR,
        jobs: 1,
        shouldStop: () => false,
      }),
      (err: unknown) => isEnumguardError(err) && /missing-agent\.ts/.test(err.message),
    );
  });

  it('ends the runs under way early once asked to stop, and starts no more', async () => {
    let polls = 0;
    const runs = await runPolicies({
      scenarioPath: SCENARIO,
      policies: [
        { name: 'none', path: 'baselines/none.yaml' },
        { name: 'per-ip', path: 'baselines/per-ip.yaml' },
      ],
      durationMs: 2 * HOUR,
      jobs: 1,
      // The first poll comes before the first run starts; the next one stops it.
      shouldStop: () => ++polls > 1,
    });
    assert.equal(runs.length, 1);
    assert.equal(runs[0]?.name, 'none');
    assert.equal(runs[0]?.stoppedEarly, true);
  });
});
