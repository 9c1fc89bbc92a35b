import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli.ts';

const REF = 'docs/reference-api.openapi.yaml';
const FIXTURES = 'test/fixtures/audit';

async function cli(...args: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runCli(args, { stdout: (s) => stdout.push(s), stderr: (s) => stderr.push(s) });
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

describe('enumguard audit spec', () => {
  it('fails (exit 1) on the reference spec by default: its discover operation is a critical oracle', async () => {
    const run = await cli('audit', 'spec', REF);
    assert.equal(run.code, 1);
    assert.match(
      run.stdout,
      /^CRITICAL EG-ORACLE {2}docs\/reference-api\.openapi\.yaml:56 POST \/v1\/contacts\/discover \(discoverContacts\)$/m,
    );
    assert.equal(run.stderr, '');
  });

  it('sets the exit code by --fail-on: 0 when nothing reaches the threshold', async () => {
    assert.equal(
      (await cli('audit', 'spec', `${FIXTURES}/email-exists-swagger.json`, '--fail-on', 'critical')).code,
      0,
    );
    assert.equal(
      (await cli('audit', 'spec', `${FIXTURES}/email-exists-swagger.json`, '--fail-on', 'high')).code,
      1,
    );
    assert.equal((await cli('audit', 'spec', REF, '--fail-on', 'none')).code, 0);
  });

  it('prints the AuditReport as JSON with --format json', async () => {
    const run = await cli('audit', 'spec', REF, '--format', 'json');
    const report = JSON.parse(run.stdout) as {
      tool: string;
      target: string;
      findings: { ruleId: string; severity: string }[];
    };
    assert.equal(report.tool, 'spec');
    assert.equal(report.target, REF);
    assert.ok(report.findings.some((f) => f.ruleId === 'EG-ORACLE' && f.severity === 'critical'));
  });

  it('writes the report to --output and prints the counts', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'eg-audit-cli-')), 'audit.sarif');
    const run = await cli('audit', 'spec', REF, '--format', 'sarif', '--output', out);
    assert.equal(run.code, 1);
    assert.match(
      run.stdout,
      /^docs\/reference-api\.openapi\.yaml: \d+ findings: 2 critical, .* \(sarif report in .*audit\.sarif\)$/,
    );
    const log = JSON.parse(readFileSync(out, 'utf8')) as { version: string };
    assert.equal(log.version, '2.1.0');
  });

  it('exits 2 with a located message on a broken spec, and on bad usage', async () => {
    const broken = await cli('audit', 'spec', `${FIXTURES}/broken-ref.yaml`);
    assert.deepEqual(broken, {
      code: 2,
      stdout: '',
      stderr:
        'enumguard audit: test/fixtures/audit/broken-ref.yaml:7:9 $ref "#/components/responses/Missing" at /paths/~1lookup/get/responses/200: no such target in the file',
    });
    const missing = await cli('audit', 'spec', 'nope.yaml');
    assert.deepEqual(missing, {
      code: 2,
      stdout: '',
      stderr: 'enumguard audit: nope.yaml: cannot read the spec: no such file (ENOENT)',
    });
    const format = await cli('audit', 'spec', REF, '--format', 'xml');
    assert.equal(format.code, 2);
    assert.match(
      format.stderr,
      /^enumguard audit: --format must be one of text, json, sarif, html; got "xml"/,
    );
    const failOn = await cli('audit', 'spec', REF, '--fail-on', 'severe');
    assert.equal(failOn.code, 2);
    assert.match(
      failOn.stderr,
      /--fail-on must be one of info, low, medium, high, critical, none; got "severe"/,
    );
    assert.equal((await cli('audit', 'spec')).code, 2);
    assert.equal((await cli('audit', 'lint')).code, 2);
  });

  it('documents itself in --help and in the main usage', async () => {
    const help = await cli('audit', 'spec', '--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--fail-on S/);
    assert.match((await cli('--help')).stdout, /^ {2}audit spec api\.yaml \| audit coverage/m);
  });
});

describe('enumguard audit coverage', () => {
  it('passes with the default policy (discoverContacts guarded) and fails with baselines/none.yaml', async () => {
    const guarded = await cli(
      'audit',
      'coverage',
      '--policy',
      'policies/enumguard-default.yaml',
      '--spec',
      REF,
    );
    assert.equal(guarded.code, 0);
    assert.match(
      guarded.stdout,
      /^INFO {5}EG-COV-GUARDED {2}docs\/reference-api\.openapi\.yaml:56 POST \/v1\/contacts\/discover \(discoverContacts\)$/m,
    );
    const none = await cli(
      'audit',
      'coverage',
      '--policy',
      'baselines/none.yaml',
      '--spec',
      REF,
      '--format',
      'json',
    );
    assert.equal(none.code, 1);
    const report = JSON.parse(none.stdout) as {
      tool: string;
      findings: { ruleId: string; location: { subject?: string } }[];
    };
    assert.equal(report.tool, 'coverage');
    assert.ok(
      report.findings.some(
        (f) => f.ruleId === 'EG-COV-UNGUARDED' && f.location.subject?.includes('discoverContacts'),
      ),
    );
  });

  it('exits 2 without both files, or with a policy that is invalid', async () => {
    const missing = await cli('audit', 'coverage', '--spec', REF);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^enumguard audit: audit coverage needs --policy FILE and --spec FILE/);
    const invalid = await cli(
      'audit',
      'coverage',
      '--policy',
      'test/fixtures/audit/duplicate-key.yaml',
      '--spec',
      REF,
    );
    assert.equal(invalid.code, 2);
    assert.match(invalid.stderr, /^enumguard audit: /);
  });
});
