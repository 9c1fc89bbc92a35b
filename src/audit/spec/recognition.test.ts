import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { AuditFinding, AuditReport } from '../finding.ts';
import { auditSpec } from './audit-spec.ts';

/**
 * The general patterns behind lookups that names alone do not give away, each on a small
 * operation of test/fixtures/audit/recognition-patterns.yaml, with look-alikes that must stay
 * silent. The patterns were found by reading public specs (bench/audit-corpus.json); the
 * fixture is written from the pattern, not copied from any of them.
 */
const FILE = join(import.meta.dirname, '../../../test/fixtures/audit/recognition-patterns.yaml');

let report: Promise<AuditReport> | undefined;
const findings = async (ruleId: string, operationId: string): Promise<AuditFinding[]> => {
  report ??= auditSpec(FILE);
  return (await report).findings.filter(
    (f) => f.ruleId === ruleId && (f.location.subject ?? '').endsWith(`(${operationId})`),
  );
};
const one = async (ruleId: string, operationId: string): Promise<AuditFinding> => {
  const found = await findings(ruleId, operationId);
  assert.equal(found.length, 1, `${ruleId} on ${operationId}: ${JSON.stringify(found)}`);
  return found[0] as AuditFinding;
};

describe('identifiers recognized by where they stand, not what they are called', () => {
  it('a path parameter of an account collection is an account key, whatever its name', async () => {
    const f = await one('EG-ORACLE', 'personByAnyKey');
    assert.equal(f.evidence?.identifier, 'who');
    assert.equal(f.evidence?.kind, 'account-id');
    assert.equal(f.evidence?.recognizedBy, 'path parameter {who} of /people');
  });

  it('past a "by-..." segment, the parameters qualifying it and a ".json" extension', async () => {
    const f = await one('EG-ORACLE', 'profileByExternalRef');
    assert.equal(f.evidence?.identifier, 'externalRef');
    assert.equal(f.evidence?.recognizedBy, 'path parameter {externalRef} of /profiles');
  });

  it('a compound name that ends in an identifier name (memberLogin)', async () => {
    const f = await one('EG-ORACLE', 'rosterEntry');
    assert.equal(f.evidence?.identifier, 'memberLogin');
    assert.equal(f.evidence?.kind, 'username');
  });

  it('a query parameter named after the account itself (?member=)', async () => {
    const f = await one('EG-ORACLE', 'readPresence');
    assert.equal(f.evidence?.identifier, 'member');
    assert.equal(f.evidence?.kind, 'account-id');
  });

  it('a comma-separated list in a string is a batch, with the cap its description gives', async () => {
    const batch = await one('EG-BATCH', 'bulkStatus');
    assert.equal(batch.severity, 'medium');
    assert.equal(batch.evidence?.maxItems, 500);
    assert.equal((await one('EG-ORACLE', 'bulkStatus')).evidence?.identifier, 'users');
  });

  it('a free-text search (?q=) over an account collection, even with no answer schema', async () => {
    const f = await one('EG-ORACLE', 'findCustomers');
    assert.equal(f.evidence?.kind, 'search-term');
    assert.match(String(f.evidence?.answer), /a 2xx answer per identifier/);
  });
});

describe('look-alikes that are not lookups', () => {
  for (const [operationId, why] of [
    ['listInvoices', 'an account parameter that filters a listing of other things'],
    ['notesPublish', 'a write behind GET (an RPC method named with a write verb)'],
    ['listWidgets', "a header that carries the caller's own credential (X-Auth-Email)"],
    ['auditEvents', 'a date-time named like a login, and an account parameter with a closed list of values'],
  ]) {
    it(`${operationId}: ${why}`, async () => {
      report ??= auditSpec(FILE);
      const subjects = (await report).findings.map((f) => f.location.subject ?? '');
      assert.deepEqual(
        subjects.filter((s) => s.endsWith(`(${operationId})`)),
        [],
      );
    });
  }
});

describe('existence told by answers the spec declares only in part', () => {
  it('a boolean like "account_found" in a reset answer: high on an open route', async () => {
    const f = await one('EG-EXISTENCE', 'recoverAccess');
    assert.equal(f.severity, 'high');
    assert.match(f.message, /a boolean "account_found"/);
  });

  it('a self-service reset addressed to an account in the path answers 404 for an unknown one', async () => {
    const f = await one('EG-EXISTENCE', 'forgotPasscode');
    assert.equal(f.severity, 'medium');
    assert.match(f.message, /\{accountRef\}/);
  });

  it("an admin's reset of a named account is not judged a self-service leak", async () => {
    assert.deepEqual(await findings('EG-EXISTENCE', 'adminResetPasscode'), []);
  });

  it('an open sign-up that reports its outcome in a 2xx body refuses a taken username there', async () => {
    const f = await one('EG-EXISTENCE', 'registerMember');
    assert.equal(f.severity, 'medium');
    assert.match(f.message, /username \(username\).*"success"/);
  });

  it('a sign-up that declares the same answer either way stays silent', async () => {
    assert.deepEqual(await findings('EG-EXISTENCE', 'enrolMember'), []);
  });
});
