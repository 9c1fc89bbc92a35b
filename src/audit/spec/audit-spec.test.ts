import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isEnumguardError } from '../../core/errors.ts';
import type { AuditFinding, AuditReport } from '../finding.ts';
import { auditSpec } from './audit-spec.ts';

const ROOT = join(import.meta.dirname, '../../..');
const FIXTURES = join(ROOT, 'test/fixtures/audit');
const fixture = (name: string): string => join(FIXTURES, name);

function findingsFor(report: AuditReport, ruleId: string, operationId: string): AuditFinding[] {
  return report.findings.filter(
    (f) => f.ruleId === ruleId && (f.location.subject ?? '').endsWith(`(${operationId})`),
  );
}

/** The source line a finding points at. */
function lineAt(file: string, line: number | undefined): string {
  return readFileSync(file, 'utf8').split('\n')[(line ?? 0) - 1] ?? '';
}

describe('auditSpec on the reference service (docs/reference-api.openapi.yaml)', () => {
  it('reports discoverContacts as a critical batch oracle at its operation line', async () => {
    const file = join(ROOT, 'docs/reference-api.openapi.yaml');
    const report = await auditSpec(file);
    const [oracle, ...more] = findingsFor(report, 'EG-ORACLE', 'discoverContacts');
    assert.equal(more.length, 0);
    assert.ok(oracle);
    assert.equal(oracle.severity, 'critical');
    assert.equal(oracle.location.subject, 'POST /v1/contacts/discover (discoverContacts)');
    assert.equal(oracle.location.pointer, '/paths/~1v1~1contacts~1discover/post');
    assert.equal(lineAt(file, oracle.location.line), '    post:');
    assert.equal(oracle.evidence?.kind, 'phone');
    assert.equal(oracle.evidence?.batch, true);
  });

  it('does not call the opaque-id photo and profile routes oracles, nor registration or health', async () => {
    const report = await auditSpec(join(ROOT, 'docs/reference-api.openapi.yaml'));
    const oracles = report.findings.filter((f) => f.ruleId === 'EG-ORACLE').map((f) => f.location.subject);
    assert.deepEqual(oracles.sort(), [
      'POST /v1/contacts/discover (discoverContacts)',
      'POST /v1/contacts/discover/delta (discoverContactDelta)',
    ]);
    assert.equal(
      report.findings.filter((f) => /registerAccount|health/.test(f.location.subject ?? '')).length,
      0,
    );
  });
});

/**
 * Each rule, one operation where it must fire and one where it must not. The negatives are
 * operations that look alike (an identifier, a lookup word) but are guarded or not lookups.
 */
const CASES: { rule: string; fires: [string, string, string?][]; silent: [string, string][] }[] = [
  {
    rule: 'EG-ORACLE',
    fires: [
      ['phone-batch-open.yaml', 'lookupContacts', 'critical'],
      ['email-exists-swagger.json', 'lookupUserByEmail', 'high'],
      ['existence-and-availability.yaml', 'usernameAvailability', 'high'],
    ],
    silent: [
      ['guarded-lookups.yaml', 'changeMyEmail'],
      ['guarded-lookups.yaml', 'me'],
      ['guarded-lookups.yaml', 'getUser'],
      ['existence-and-availability.yaml', 'signUp'],
    ],
  },
  {
    rule: 'EG-BATCH',
    fires: [['phone-batch-open.yaml', 'lookupContacts', 'high']],
    silent: [['guarded-lookups.yaml', 'discover']],
  },
  {
    rule: 'EG-PROFILE',
    fires: [['phone-batch-open.yaml', 'lookupContacts', 'high']],
    silent: [
      ['guarded-lookups.yaml', 'getUser'],
      ['guarded-lookups.yaml', 'me'],
    ],
  },
  {
    rule: 'EG-NO-429',
    fires: [['phone-batch-open.yaml', 'lookupContacts', 'medium']],
    silent: [
      ['guarded-lookups.yaml', 'discover'],
      ['email-exists-swagger.json', 'lookupUserByEmail'],
    ],
  },
  {
    rule: 'EG-NO-RATELIMIT-HEADERS',
    fires: [['phone-batch-open.yaml', 'lookupContacts', 'low']],
    silent: [
      ['guarded-lookups.yaml', 'discover'],
      ['email-exists-swagger.json', 'lookupUserByEmail'],
    ],
  },
  {
    rule: 'EG-NO-AUTH',
    fires: [
      ['phone-batch-open.yaml', 'lookupContacts', 'high'],
      ['existence-and-availability.yaml', 'usernameAvailability', 'high'],
    ],
    silent: [
      ['guarded-lookups.yaml', 'discover'],
      ['email-exists-swagger.json', 'lookupUserByEmail'],
    ],
  },
  {
    rule: 'EG-SEQ-ID',
    fires: [['email-exists-swagger.json', 'getOrder', 'medium']],
    silent: [
      ['email-exists-swagger.json', 'deleteOrder'],
      ['guarded-lookups.yaml', 'getOrder'],
    ],
  },
  {
    rule: 'EG-EXISTENCE',
    fires: [
      ['existence-and-availability.yaml', 'requestPasswordReset', 'high'],
      ['existence-and-availability.yaml', 'signUp', 'high'],
      ['existence-and-availability.yaml', 'signIn', 'medium'],
    ],
    silent: [
      ['guarded-lookups.yaml', 'forgotPassword'],
      ['guarded-lookups.yaml', 'login'],
    ],
  },
];

describe('spec rules on the fixtures (test/fixtures/audit)', () => {
  const reports = new Map<string, Promise<AuditReport>>();
  const reportOf = (name: string): Promise<AuditReport> => {
    let r = reports.get(name);
    if (r === undefined) reports.set(name, (r = auditSpec(fixture(name))));
    return r;
  };
  for (const c of CASES) {
    for (const [file, op, severity] of c.fires) {
      it(`${c.rule} fires on ${op} (${file}) at ${severity}`, async () => {
        const found = findingsFor(await reportOf(file), c.rule, op);
        assert.equal(found.length, 1, `${c.rule} on ${op}: ${JSON.stringify(found)}`);
        assert.equal(found[0]?.severity, severity);
        const at = found[0]?.location;
        assert.match(lineAt(fixture(file), at?.line), /^\s+(get|post|put|delete|"get"|"delete"|"post"):/);
      });
    }
    for (const [file, op] of c.silent) {
      it(`${c.rule} stays silent on ${op} (${file})`, async () => {
        assert.deepEqual(findingsFor(await reportOf(file), c.rule, op), []);
      });
    }
  }

  it('finds nothing but the one designed-in oracle in the guarded fixture', async () => {
    const report = await reportOf('guarded-lookups.yaml');
    assert.deepEqual(
      report.findings.map((f) => `${f.ruleId} ${f.location.subject}`),
      ['EG-ORACLE POST /v1/contacts/discover (discover)'],
    );
  });

  it('lists every rule with its id, severity, reason and fix', async () => {
    const report = await reportOf('phone-batch-open.yaml');
    assert.deepEqual(
      report.rules.map((r) => r.id),
      CASES.map((c) => c.rule),
    );
    for (const r of report.rules) assert.ok(r.reason.length > 40 && r.fix.length > 40, r.id);
  });
});

describe('auditSpec on input it cannot audit', () => {
  const cases: [string, string, string][] = [
    [
      'broken-ref.yaml',
      'ERR_SPEC_INVALID',
      'broken-ref.yaml:7:9 $ref "#/components/responses/Missing" at /paths/~1lookup/get/responses/200: no such target in the file',
    ],
    [
      'not-a-spec.yaml',
      'ERR_SPEC_INVALID',
      'not-a-spec.yaml: not an OpenAPI 3.0/3.1 or Swagger 2.0 document (neither an "openapi" nor a "swagger" field at the top)',
    ],
    [
      'duplicate-key.yaml',
      'ERR_SPEC_INVALID',
      'duplicate-key.yaml:4:3 is not valid YAML: Map keys must be unique',
    ],
    ['missing.yaml', 'ERR_SPEC_READ', 'missing.yaml: cannot read the spec: no such file (ENOENT)'],
  ];
  for (const [name, code, message] of cases) {
    it(`refuses ${name} with ${code} and a located message`, async () => {
      await assert.rejects(auditSpec(fixture(name)), (err: unknown) => {
        assert.ok(isEnumguardError(err), String(err));
        assert.equal(err.code, code);
        assert.equal(err.message, `${fixture(name)}${message.slice(name.length)}`);
        return true;
      });
    });
  }

  it('names the line and column of a JSON syntax error', async () => {
    await assert.rejects(auditSpec(fixture('bad-json.json')), (err: unknown) => {
      assert.ok(isEnumguardError(err, 'ERR_SPEC_INVALID'));
      assert.match(err.message, /bad-json\.json:3:26 is not valid JSON: /);
      return true;
    });
  });
});
