import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { compilePolicy, loadPolicy, PolicyError } from '../../src/policy/index.ts';

/**
 * Regression (issue 13, item 10): an alias bomb and an undefined alias made the policy loader
 * throw the YAML parser's bare ReferenceError ("Excessive alias count indicates a resource
 * exhaustion attack", "Unresolved alias …"), with no file, line or error code.
 */
const DIR = join(import.meta.dirname, '../fixtures/policies');

describe('regression: bad YAML aliases give a located policy error', () => {
  for (const [fixture, line] of [
    ['invalid-yaml-alias-bomb.yaml', 19],
    ['invalid-yaml-undefined-alias.yaml', 7],
    ['invalid-yaml-alias-cycle.yaml', 6],
  ] as const) {
    it(`refuses ${fixture} as ERR_POLICY_INVALID at line ${line}`, async () => {
      await assert.rejects(loadPolicy(join(DIR, fixture)), (err: unknown) => {
        assert.ok(err instanceof PolicyError, String(err));
        assert.equal(err.code, 'ERR_POLICY_INVALID');
        assert.equal(err.issues[0]?.line, line);
        assert.match(err.message, new RegExp(`^${fixture.replace(/\./g, '\\.')}:${line} routes\\[`));
        return true;
      });
    });
  }

  it('still reads an anchor used 500 times, which the parser alone refused past 100', () => {
    const uses = Array.from({ length: 500 }, () => '*s').join(', ');
    const policy = compilePolicy(
      `version: 1
identities:
  apiKeys:
    keys:
      - { id: k, sha256: ffb4ab2864c006ed9a870db6c3cea7c45ae6a6d91a05195fc4b45b2523fd0e6e }
routes:
  - id: lookup
    match: { path: /lookup }
    scopes: [&s read, ${uses}]
`,
      { source: 'policy.yaml' },
    );
    assert.equal(policy.routes[0]?.scopes.length, 501);
  });
});
