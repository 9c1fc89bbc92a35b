import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { auditSpec } from '../spec/audit-spec.ts';
import { toSarif } from './sarif.ts';

const ROOT = join(import.meta.dirname, '../../..');

/**
 * The official SARIF 2.1.0 schema (test/fixtures/audit/SARIF-SCHEMA-SOURCE.md says where it is
 * from). It is written in JSON Schema draft-04; ajv 8 speaks draft-06 and later, which read its
 * keywords the same (it uses no exclusiveMinimum/Maximum, the keywords whose meaning changed),
 * so only draft-04's `$schema` and `id` are dropped before compiling.
 */
function sarifValidator() {
  const schema = JSON.parse(
    readFileSync(join(ROOT, 'test/fixtures/audit/sarif-schema-2.1.0.json'), 'utf8'),
  ) as Record<string, unknown>;
  delete schema.$schema;
  delete schema.id;
  // unicodeRegExp: false because the schema's `language` pattern has a stray "]" that only
  // Unicode-mode regular expressions refuse (a known slip of this revision, harmless otherwise).
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  // The formats the schema names, checked rather than ignored.
  ajv.addFormat('uri', (s: string) => URL.canParse(s));
  ajv.addFormat('uri-reference', (s: string) => URL.canParse(s, 'file:///') && !/\s/.test(s));
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
  return ajv.compile(schema);
}

describe('toSarif', () => {
  it('produces a SARIF 2.1.0 log the official schema accepts, for the reference spec', async () => {
    const report = await auditSpec('docs/reference-api.openapi.yaml');
    const log = toSarif(report, { toolVersion: '0.1.0' });
    const validate = sarifValidator();
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
    // The validator does judge: a result without its message, or a wrong version, is refused.
    const broken = structuredClone(log) as {
      version: string;
      runs: { results: Record<string, unknown>[] }[];
    };
    delete broken.runs[0]?.results[0]?.message;
    assert.equal(validate(broken), false);
    assert.equal(validate({ ...log, version: '2.0.0' }), false);
  });

  it('puts the rules in tool.driver.rules and locates each result at its line and operation', async () => {
    const report = await auditSpec('docs/reference-api.openapi.yaml');
    const log = toSarif(report, { toolVersion: '0.1.0' }) as {
      runs: {
        tool: {
          driver: {
            rules: { id: string; defaultConfiguration: { level: string }; help: { text: string } }[];
          };
        };
        results: {
          ruleId: string;
          ruleIndex: number;
          level: string;
          locations: {
            physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
            logicalLocations: { name: string }[];
          }[];
        }[];
      }[];
    };
    const run = log.runs[0];
    assert.ok(run);
    const rules = run.tool.driver.rules;
    assert.deepEqual(
      rules.map((r) => r.id),
      report.rules.map((r) => r.id),
    );
    assert.equal(rules[0]?.defaultConfiguration.level, 'error');
    assert.match(rules[0]?.help.text ?? '', /Fix: /);
    const oracle = run.results.find(
      (r) =>
        r.ruleId === 'EG-ORACLE' && r.locations[0]?.logicalLocations[0]?.name.includes('discoverContacts'),
    );
    assert.ok(oracle);
    assert.equal(oracle.level, 'error');
    assert.equal(rules[oracle.ruleIndex]?.id, 'EG-ORACLE');
    assert.equal(
      oracle.locations[0]?.physicalLocation.artifactLocation.uri,
      'docs/reference-api.openapi.yaml',
    );
    assert.equal(oracle.locations[0]?.physicalLocation.region.startLine, 56);
  });

  it('stays valid for a report with no findings and for an absolute path', async () => {
    const report = await auditSpec(join(ROOT, 'test/fixtures/audit/email-exists-swagger.json'));
    const validate = sarifValidator();
    const empty = toSarif({ ...report, findings: [] }, { toolVersion: '0.1.0' });
    assert.ok(validate(empty), JSON.stringify(validate.errors));
    const full = toSarif(report, { toolVersion: '0.1.0' });
    assert.ok(validate(full), JSON.stringify(validate.errors));
    assert.match(JSON.stringify(full), /"uri":"file:\/\/\//);
  });
});
