import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditReport } from '../finding.ts';
import { exitCodeFor, parseFailOn, severityCounts } from './fail-on.ts';
import { renderJson } from './json.ts';
import { renderText } from './text.ts';

const REPORT: AuditReport = {
  tool: 'spec',
  target: 'api.yaml',
  rules: [
    { id: 'EG-ORACLE', title: 'Identifier lookup oracle', severity: 'high', reason: 'r', fix: 'cap it' },
    { id: 'EG-SEQ-ID', title: 'Sequential id', severity: 'medium', reason: 'r', fix: 'uuid' },
  ],
  findings: [
    {
      ruleId: 'EG-ORACLE',
      severity: 'critical',
      message: 'batch oracle',
      location: { file: 'api.yaml', line: 9, subject: 'POST /x' },
    },
    {
      ruleId: 'EG-SEQ-ID',
      severity: 'medium',
      message: 'numeric id',
      location: { file: 'api.yaml', line: 20, subject: 'GET /o/{id}' },
    },
  ],
  summary: { operations: 2 },
};

describe('renderText', () => {
  it('prints each finding with its place, the fixes of the rules that fired, and the counts', () => {
    assert.equal(
      renderText(REPORT),
      [
        'enumguard audit spec: api.yaml (operations: 2)',
        '',
        'CRITICAL EG-ORACLE  api.yaml:9 POST /x',
        '         batch oracle',
        'MEDIUM   EG-SEQ-ID  api.yaml:20 GET /o/{id}',
        '         numeric id',
        '',
        'How to fix:',
        '  EG-ORACLE (Identifier lookup oracle): cap it',
        '  EG-SEQ-ID (Sequential id): uuid',
        '',
        '2 findings: 1 critical, 1 medium',
      ].join('\n'),
    );
  });

  it('says so when there is nothing to report', () => {
    assert.equal(
      renderText({ ...REPORT, findings: [], summary: undefined }),
      'enumguard audit spec: api.yaml\n\nno findings',
    );
  });
});

describe('renderJson', () => {
  it('is the AuditReport itself', () => {
    assert.deepEqual(JSON.parse(renderJson(REPORT)), REPORT);
  });
});

describe('--fail-on', () => {
  it('fails at the threshold and above, never with none', () => {
    assert.equal(exitCodeFor(REPORT, 'critical'), 1);
    assert.equal(exitCodeFor(REPORT, 'medium'), 1);
    assert.equal(exitCodeFor({ ...REPORT, findings: REPORT.findings.slice(1) }, 'high'), 0);
    assert.equal(exitCodeFor(REPORT, 'none'), 0);
    assert.equal(parseFailOn('HIGH'), 'high');
    assert.equal(parseFailOn('severe'), undefined);
    assert.deepEqual(severityCounts(REPORT), { critical: 1, high: 0, medium: 1, low: 0, info: 0 });
  });
});
