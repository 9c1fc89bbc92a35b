import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { compilePolicy } from '../../policy/compile.ts';
import type { CompiledRoute } from '../../policy/types.ts';
import type { AuditFinding, AuditReport } from '../finding.ts';
import { auditCoverage } from './audit-coverage.ts';
import { spellingSlips } from './path-spellings.ts';

const SPEC = 'docs/reference-api.openapi.yaml';

function about(report: AuditReport, operationId: string): AuditFinding[] {
  return report.findings.filter((f) => (f.location.subject ?? '').endsWith(`(${operationId})`));
}

describe('auditCoverage against the reference service', () => {
  it('reports discoverContacts guarded by policies/enumguard-default.yaml, with every layer named', async () => {
    const report = await auditCoverage('policies/enumguard-default.yaml', SPEC);
    const [verdict, ...more] = about(report, 'discoverContacts');
    assert.equal(more.length, 0, JSON.stringify(more));
    assert.ok(verdict);
    assert.equal(verdict.ruleId, 'EG-COV-GUARDED');
    assert.equal(verdict.severity, 'info');
    assert.deepEqual(verdict.evidence, {
      route: 'discover',
      perIdentity: 'new-numbers (account)',
      distinct: 'new-numbers (distinct /numbers)',
      detectors: 'hitRatio, rangeDensity',
      egress: 'strip photo, about (untrusted); at most 5000 records',
      reveal: true,
    });
    assert.equal(verdict.location.line, 56);
    // No lookup of the reference service is left unguarded or slips past its route.
    assert.deepEqual(
      report.findings.filter((f) => f.severity !== 'info').map((f) => f.ruleId),
      ['EG-COV-UNMATCHED-ALLOW'],
    );
    assert.equal(report.summary?.guarded, 4);
  });

  it('reports discoverContacts unguarded (critical) with baselines/none.yaml', async () => {
    const report = await auditCoverage('baselines/none.yaml', SPEC);
    const [verdict] = about(report, 'discoverContacts');
    assert.equal(verdict?.ruleId, 'EG-COV-UNGUARDED');
    assert.equal(verdict.severity, 'critical');
    assert.match(verdict.message, /matches no route and `unmatched: allow` lets it through with no limit/);
    const allow = report.findings.find((f) => f.ruleId === 'EG-COV-UNMATCHED-ALLOW');
    assert.equal(allow?.location.file, 'baselines/none.yaml');
    assert.equal(allow.location.line, 3);
    assert.match(allow.message, /6 operations of the spec match no route/);
  });

  it('calls a per-address limit that charges a batch as one request only a partial guard', async () => {
    const report = await auditCoverage('baselines/per-ip.yaml', SPEC);
    const [verdict] = about(report, 'discoverContacts');
    assert.equal(verdict?.ruleId, 'EG-COV-WEAK');
    assert.equal(verdict.severity, 'high');
    assert.match(verdict.message, /no limit follows the caller .*; a batch is charged as one request/);
  });

  it('flags a misspelled route as matching no operation, at its line in the policy', async () => {
    const policy = 'test/fixtures/audit/policy-typo.yaml';
    const report = await auditCoverage(policy, SPEC);
    const dead = report.findings.filter((f) => f.ruleId === 'EG-COV-DEAD-ROUTE');
    assert.equal(dead.length, 1);
    assert.equal(dead[0]?.location.subject, 'route discover');
    assert.equal(
      readFileSync(policy, 'utf8').split('\n')[(dead[0]?.location.line ?? 0) - 1],
      '  - id: discover',
    );
    assert.equal(about(report, 'getAccountPhoto')[0]?.ruleId, 'EG-COV-WEAK');
    assert.equal(report.findings.filter((f) => f.ruleId === 'EG-COV-UNMATCHED-ALLOW').length, 0);
  });
});

describe('spellingSlips', () => {
  const policy = compilePolicy(
    [
      'version: 1',
      'unmatched: allow',
      'routes:',
      '  - id: discover',
      '    match: { method: POST, path: /v1/contacts/discover }',
      '    auth: none',
      '    limits: [{ id: l, key: ip, algorithm: gcra, rate: 1/1s, burst: 1 }]',
    ].join('\n'),
    { source: 'inline' },
  );

  it('finds no slip through the pipeline: normalizePath and the route matcher close every spelling', () => {
    assert.deepEqual(spellingSlips(policy.routes, 'POST', '/v1/contacts/discover', 'discover', 'allow'), []);
  });

  it('reports the spellings a case- and slash-strict route would let through', () => {
    const base = policy.routes[0] as CompiledRoute;
    const strict: CompiledRoute = { ...base, matchPath: (p) => p === '/v1/contacts/discover' };
    const slips = spellingSlips([strict], 'POST', '/v1/contacts/discover', 'discover', 'allow');
    assert.deepEqual(
      slips.map((s) => s.label),
      ['trailing slash', 'upper case'],
    );
    assert.deepEqual(slips[1], { label: 'upper case', path: '/V1/CONTACTS/DISCOVER', reaches: undefined });
    // Under unmatched: deny those spellings are refused, so they slip past nothing.
    assert.deepEqual(spellingSlips([strict], 'POST', '/v1/contacts/discover', 'discover', 'deny'), []);
  });
});
