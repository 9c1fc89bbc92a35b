import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { AuditFinding, AuditReport } from '../finding.ts';
import { auditSpec } from './audit-spec.ts';
import { shapeOfExample, FROM_EXAMPLE } from './example-shape.ts';

/**
 * Lookups told by evidence other than an answer schema's properties, each on a small
 * operation of test/fixtures/audit/answer-evidence.yaml, with look-alikes that must stay
 * silent. The patterns come from misses on public specs (bench/audit-corpus.json, held-out
 * set 1); the fixture is written from the pattern, not copied from any of them.
 */
const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/audit');

const reports = new Map<string, Promise<AuditReport>>();
const findingsOf = async (file: string, operationId: string, ruleId?: string): Promise<AuditFinding[]> => {
  let report = reports.get(file);
  if (report === undefined) {
    report = auditSpec(join(FIXTURES, file));
    reports.set(file, report);
  }
  return (await report).findings.filter(
    (f) =>
      (ruleId === undefined || f.ruleId === ruleId) &&
      (f.location.subject ?? '').endsWith(`(${operationId})`),
  );
};
const oracle = async (operationId: string, file = 'answer-evidence.yaml'): Promise<AuditFinding> => {
  const found = await findingsOf(file, operationId, 'EG-ORACLE');
  assert.equal(found.length, 1, `EG-ORACLE on ${operationId}: ${JSON.stringify(found)}`);
  return found[0] as AuditFinding;
};

describe('answers given only by example', () => {
  it('an example with no schema shows a body about the identifier (OpenAPI 3 examples)', async () => {
    const f = await oracle('enrichPerson');
    assert.equal(f.evidence?.kind, 'email');
    assert.match(String(f.evidence?.answer), /shown by its example/);
    // The example's fields are the answer's fields: a full name is profile data.
    assert.equal((await findingsOf('answer-evidence.yaml', 'enrichPerson', 'EG-PROFILE')).length, 1);
  });

  it('a POST named "verify" whose `example` holds matches is a lookup of the phone it is sent', async () => {
    const f = await oracle('identityCheck');
    assert.equal(f.evidence?.kind, 'phone');
    assert.match(String(f.evidence?.answer), /an array of matches \(people\)/);
  });

  it('Swagger 2.0 response `examples` are read the same way', async () => {
    const f = await oracle('numberOwner', 'answer-example-swagger.json');
    assert.match(String(f.evidence?.answer), /a 2xx body about the identifier \(shown by its example\)/);
  });

  it('the shape of an example: nested objects, first array item, scalars; null gives none', () => {
    const s = shapeOfExample({ a: [{ b: true }], n: 1.5, m: 2 });
    assert.deepEqual(s, {
      type: 'object',
      properties: {
        a: { type: 'array', items: { type: 'object', properties: { b: { type: 'boolean' } } } },
        n: { type: 'number' },
        m: { type: 'integer' },
      },
      [FROM_EXAMPLE]: true,
    });
    assert.equal(shapeOfExample(null), undefined);
    assert.equal(shapeOfExample(undefined), undefined);
  });
});

describe('identifiers and answers told by descriptions', () => {
  it('a bare string answer, on an operation that says it validates the email it takes', async () => {
    const f = await oracle('singleMailbox');
    assert.equal(f.evidence?.kind, 'email');
    assert.match(String(f.evidence?.answer), /validates or looks it up/);
  });

  it('a plural ?ids= described as a comma-separated list of user IDs, capped in prose', async () => {
    const f = await oracle('groupFollowedBy');
    assert.equal(f.evidence?.identifier, 'ids');
    assert.equal(f.evidence?.kind, 'account-id');
    assert.equal(f.evidence?.recognizedBy, 'description');
    // A list of at most 5 (the prose cap) is no large batch.
    assert.deepEqual(await findingsOf('answer-evidence.yaml', 'groupFollowedBy', 'EG-BATCH'), []);
  });

  it('a free-text search over a collection of email addresses searches accounts', async () => {
    const f = await oracle('searchAddresses');
    assert.equal(f.evidence?.kind, 'search-term');
    assert.equal(f.evidence?.recognizedBy, 'search parameter q over /email-addresses');
  });
});

describe('look-alikes that are not lookups', () => {
  for (const [operationId, why] of [
    ['confirmPhone', 'a verify that checks a one-time code'],
    ['startVerification', 'a "verifications" resource that sends a code'],
    ['previewTemplate', 'a string answer keyed by an email, described as nothing about it'],
    ['sentEmail', 'a member of a collection of sent emails'],
    ['productsByIds', 'a comma-separated list of product ids'],
  ] as const) {
    it(`${operationId}: ${why}`, async () => {
      assert.deepEqual(await findingsOf('answer-evidence.yaml', operationId), []);
    });
  }
});
