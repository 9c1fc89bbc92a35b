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
    const { runs, failures } = await runPolicies({
      scenarioPath: SCENARIO,
      policies: [
        { name: 'none', path: 'baselines/none.yaml' },
        { name: 'signal-cdsi', path: 'baselines/signal-cdsi.yaml' },
        { name: 'per-ip', path: 'baselines/per-ip.yaml' },
      ],
      durationMs: HOUR,
      jobs: 2,
      onStart: (name) => started.push(name),
    });
    assert.deepEqual(failures, []);
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

  it('reports a failed run with its cause, and still finishes and returns the others', async () => {
    const { runs, failures } = await runPolicies({
      scenarioPath: SCENARIO,
      policies: [
        { name: 'gone', path: join(mkdtempSync(join(tmpdir(), 'enumguard-runs-')), 'gone.yaml') },
        { name: 'none', path: 'baselines/none.yaml' },
      ],
      durationMs: HOUR,
      jobs: 1,
    });
    assert.deepEqual(
      runs.map((r) => r.name),
      ['none'],
    );
    assert.equal(failures.length, 1);
    assert.equal(failures[0]?.name, 'gone');
    assert.ok(isEnumguardError(failures[0]?.error, 'ERR_POLICY_READ'));
    assert.match(failures[0]?.error.message ?? '', /gone\.yaml: cannot read the policy/);
  });

  it('fails a run whose scenario cannot be run, naming the cause', async () => {
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
    const { runs, failures } = await runPolicies({
      scenarioPath: scenario,
      policies: [{ name: 'none', path: 'baselines/none.yaml' }],
      durationMs: HOUR,
      jobs: 1,
    });
    assert.equal(runs.length, 0);
    assert.match(failures[0]?.error.message ?? '', /missing-agent\.ts/);
  });

  it('ends the run under way early once asked to stop, after it has made progress, and starts no more', async () => {
    const { runs } = await runPolicies({
      scenarioPath: SCENARIO,
      policies: [
        { name: 'none', path: 'baselines/none.yaml' },
        { name: 'per-ip', path: 'baselines/per-ip.yaml' },
      ],
      durationMs: 2 * HOUR,
      jobs: 1,
      progressEvery: 500,
      // Polled at each progress report: the first comes after 500 requests.
      shouldStop: () => true,
    });
    assert.equal(runs.length, 1);
    assert.equal(runs[0]?.name, 'none');
    assert.equal(runs[0]?.stoppedEarly, true);
    assert.ok((runs[0]?.requests ?? 0) >= 500, `requests ${runs[0]?.requests}`);
  });

  it('starts nothing once its signal is aborted', async () => {
    const stop = new AbortController();
    stop.abort();
    const { runs, failures } = await runPolicies({
      scenarioPath: SCENARIO,
      policies: [{ name: 'none', path: 'baselines/none.yaml' }],
      durationMs: HOUR,
      jobs: 1,
      signal: stop.signal,
    });
    assert.deepEqual([runs, failures], [[], []]);
  });
});
