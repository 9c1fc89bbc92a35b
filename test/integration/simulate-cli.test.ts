import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSimulate } from '../../src/cli/simulate.ts';

describe('enumguard simulate', () => {
  it('compares policies on a scenario for --duration and writes the scorecards as JSON', async () => {
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
        '--duration',
        '30m',
        '--quiet',
      ],
      { stdout: (s) => out.push(s), stderr: (s) => err.push(s) },
    );
    assert.equal(code, 0, err.join('\n'));
    const table = out.join('\n');
    assert.match(table, /\| metric \| none \| per-ip \|/);
    assert.match(table, /\| accounts revealed to attackers \| [\d,]+ \| [\d,]+ \|/);
    const report = JSON.parse(readFileSync(json, 'utf8')) as {
      durationMs: number;
      runs: {
        policy: string;
        scorecard: { attacker: { accountsRevealed: number }; cost: { virtualMs: number } };
      }[];
    };
    // --duration overrides the scenario's 2 h.
    assert.equal(report.durationMs, 1_800_000);
    assert.ok(report.runs.every((r) => r.scorecard.cost.virtualMs <= 1_800_000));
    const [none, perIp] = report.runs;
    assert.equal(none?.policy, 'none');
    assert.ok(
      (none?.scorecard.attacker.accountsRevealed ?? 0) > (perIp?.scorecard.attacker.accountsRevealed ?? 0),
    );
  });

  it('still writes the table, JSON and HTML for the runs done when stopped early, and marks them', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'enumguard-sim-'));
    const [json, html] = [join(dir, 'report.json'), join(dir, 'report.html')];
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
        '--html',
        html,
        '--jobs',
        '1',
      ],
      { stdout: (s) => out.push(s), stderr: (s) => err.push(s) },
      // Ctrl-C at the first progress report of the first run (after 2,000 requests).
      { shouldStop: () => true },
    );
    assert.equal(code, 0, err.join('\n'));
    assert.match(out.join('\n'), /\| metric \| none \(stopped at [^)]+\) \|\n/);
    assert.match(err.join('\n'), /not run, stopped early: per-ip/);
    // The progress line went to stderr (not a terminal here: whole lines).
    assert.match(
      err.join('\n'),
      /^none \[[#-]{20}\] +\d+% \d[\d,]* s of 7,200 s, [\d,]+ requests, [\d,]+ harvested/m,
    );
    const report = JSON.parse(readFileSync(json, 'utf8')) as {
      runs: { policy: string; stoppedEarly: boolean; scorecard: { series: { revealed: number[] } } }[];
    };
    assert.equal(report.runs.length, 1);
    assert.equal(report.runs[0]?.stoppedEarly, true);
    assert.ok((report.runs[0]?.scorecard.series.revealed.length ?? 0) > 0);
    const page = readFileSync(html, 'utf8');
    assert.match(page, /Stopped early \(Ctrl-C\): none/);
    // Harvest and denials over time, sync delays, contact reveal delays.
    assert.equal(page.match(/<svg /g)?.length, 4);
  });

  it('compares every policy of a --compare directory, in name order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'enumguard-compare-'));
    copyFileSync('baselines/per-ip.yaml', join(dir, 'per-ip.yaml'));
    copyFileSync('baselines/none.yaml', join(dir, 'none.yml'));
    writeFileSync(join(dir, 'README.md'), 'not a policy');
    const out: string[] = [];
    const err: string[] = [];
    const code = await runSimulate(
      ['--scenario', 'test/fixtures/scenarios/tiny.yaml', '--compare', dir, '--duration', '10m', '--quiet'],
      { stdout: (s) => out.push(s), stderr: (s) => err.push(s) },
    );
    assert.equal(code, 0, err.join('\n'));
    assert.match(out.join('\n'), /\| metric \| none \| per-ip \|/);

    const empty = mkdtempSync(join(tmpdir(), 'enumguard-compare-'));
    const errors: string[] = [];
    const refused = await runSimulate(
      ['--scenario', 'test/fixtures/scenarios/tiny.yaml', '--compare', empty],
      {
        stdout: () => undefined,
        stderr: (s) => errors.push(s),
      },
    );
    assert.equal(refused, 2);
    assert.match(errors.join('\n'), /--compare .*: no policy files \(\*\.yaml\) there/);
    const twice = await runSimulate(
      [
        '--scenario',
        'test/fixtures/scenarios/tiny.yaml',
        '--compare',
        dir,
        '--policy',
        'baselines/none.yaml',
      ],
      { stdout: () => undefined, stderr: (s) => errors.push(s) },
    );
    assert.equal(twice, 2);
    assert.match(errors.join('\n'), /two policies are named "none"/);
  });

  it('refuses --http together with --policy, a remote URL and an unbounded real-time run', async () => {
    const run = async (args: string[]): Promise<[number, string]> => {
      const err: string[] = [];
      const code = await runSimulate(['--scenario', 'test/fixtures/scenarios/tiny.yaml', ...args], {
        stdout: () => undefined,
        stderr: (s) => err.push(s),
      });
      return [code, err.join('\n')];
    };
    const [both, bothErr] = await run(['--http', 'http://127.0.0.1:9', '--policy', 'baselines/none.yaml']);
    assert.equal(both, 2);
    assert.match(bothErr, /give --http or --policy\/--compare, not both/);
    const [remote, remoteErr] = await run(['--http', 'http://example.com:8080']);
    assert.equal(remote, 2);
    assert.match(remoteErr, /only drives services on this machine/);
    const [long, longErr] = await run(['--http', 'http://127.0.0.1:9', '--duration', '2h']);
    assert.equal(long, 2);
    assert.match(longErr, /--duration 2h: with --http a run takes that long in real time; at most 1h/);
    const [lost, lostErr] = await run([
      '--policy',
      'baselines/none.yaml',
      '--json',
      '/nonexistent-dir/r.json',
    ]);
    assert.equal(lost, 2);
    assert.match(
      lostErr,
      /cannot write \/nonexistent-dir\/r\.json: its folder \/nonexistent-dir does not exist/,
    );
    const [bad, badErr] = await run(['--policy', 'baselines/none.yaml', '--duration', 'soon']);
    assert.equal(bad, 2);
    assert.match(badErr, /--duration: expected a duration like/);
  });

  it('exits 2 with usage when the scenario or policy is missing', async () => {
    const err: string[] = [];
    const code = await runSimulate(['--scenario', 'x.yaml'], {
      stdout: () => undefined,
      stderr: (s) => err.push(s),
    });
    assert.equal(code, 2);
    assert.match(err.join(''), /--scenario and at least one --policy \(or --http URL\) are required/);
  });
});
