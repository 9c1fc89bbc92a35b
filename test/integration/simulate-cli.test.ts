import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSimulate } from '../../src/cli/simulate.ts';

describe('enumguard simulate', () => {
  it('compares policies on a scenario and writes the scorecards as JSON', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const json = join(mkdtempSync(join(tmpdir(), 'enumguard-sim-')), 'report.json');
    const code = await runSimulate(
      [
        '--scenario',
        'test/fixtures/scenarios/tiny.yaml',
        '--policy',
        'baselines/none.yaml',
        '--policy',
        'baselines/per-ip.yaml',
        '--json',
        json,
        '--quiet',
      ],
      { stdout: (s) => out.push(s), stderr: (s) => err.push(s) },
    );
    assert.equal(code, 0, err.join('\n'));
    const table = out.join('\n');
    assert.match(table, /\| metric \| none \| per-ip \|/);
    assert.match(table, /\| accounts revealed to attackers \| [\d,]+ \| [\d,]+ \|/);
    const report = JSON.parse(readFileSync(json, 'utf8')) as {
      runs: { policy: string; scorecard: { attacker: { accountsRevealed: number } } }[];
    };
    const [none, perIp] = report.runs;
    assert.equal(none?.policy, 'none');
    assert.ok(
      (none?.scorecard.attacker.accountsRevealed ?? 0) > (perIp?.scorecard.attacker.accountsRevealed ?? 0),
    );
  });

  it('exits 2 with usage when the scenario or policy is missing', async () => {
    const err: string[] = [];
    const code = await runSimulate(['--scenario', 'x.yaml'], {
      stdout: () => undefined,
      stderr: (s) => err.push(s),
    });
    assert.equal(code, 2);
    assert.match(err.join(''), /--scenario and at least one --policy are required/);
  });
});
