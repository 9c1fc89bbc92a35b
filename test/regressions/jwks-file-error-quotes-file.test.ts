import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compilePolicy } from '../../src/policy/compile.ts';

/**
 * Regression: a `jwksFile` that is not JSON was reported with JSON.parse's own message, which
 * quotes the start of the file ('Unexpected token 'D', "DB_PASSWOR"... is not valid JSON').
 * Through the admin API's POST /admin/v1/policy/validate (which compiles any policy text the
 * caller sends) that read the first characters of any file the gateway may read, such as an
 * .env file or a key, and the same message went out in `policy-rejected` events to the alert
 * sinks. The message now says the file is not JSON and where, without quoting it.
 */
describe('jwksFile that is not JSON', () => {
  it('is reported without quoting the file', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'eg-jwks-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'secret.env'), 'DB_PASSWORD=hunter2-very-secret\n');
    const text = `version: 1
identities:
  jwt: { jwksFile: secret.env, algorithms: [RS256] }
routes: []
`;
    let message = '';
    try {
      compilePolicy(text, { source: 'policy.yaml', baseDir: dir });
    } catch (err) {
      message = (err as Error).message;
    }
    assert.doesNotMatch(message, /DB_PASS|hunter2/);
    assert.match(
      message,
      /identities\.jwt\.jwksFile: expected a JSON Web Key Set \(RFC 7517 §5\): "secret\.env" is not JSON$/,
    );
  });
});
