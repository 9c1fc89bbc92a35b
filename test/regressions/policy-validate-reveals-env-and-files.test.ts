import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startAdminGateway, type AdminGateway } from '../helpers/admin-gateway.ts';

/**
 * Regression: POST /admin/v1/policy/validate compiled the posted text with the gateway's own
 * environment and file system, so it answered questions about them: `secretEnv: ANY_VAR` told
 * a variable's length ("must hold at least 16 characters, got 3"), `urlEnv` whether a variable
 * is set, `jwksFile`/`publicKeyFile` whether a file exists and what it holds. Validation now
 * reads neither (the answer says so): two texts that differ only in what they name outside the
 * policy get the same answer.
 */
const SET = 'ENUMGUARD_ORACLE_PROBE_SET';
const UNSET = 'ENUMGUARD_ORACLE_PROBE_UNSET';

let g: AdminGateway;
before(async () => {
  process.env[SET] = 'abc';
  delete process.env[UNSET];
  g = await startAdminGateway();
});
after(async () => {
  delete process.env[SET];
  await g?.close();
});

const ROUTES = 'routes:\n  - id: lookup\n    match: { path: /lookup }\n    auth: none\n';

function webhook(field: string, name: string): string {
  // cloudevents (the default format) needs a signing secret: the urlEnv probe names the set one.
  const other =
    field === 'urlEnv' ? `      secretEnv: ${SET}\n` : '      url: https://hooks.example.com/enumguard\n';
  return `version: 1\n${ROUTES}alerts:\n  webhooks:\n    - id: oncall\n${other}      ${field}: ${name}\n`;
}

function jwt(field: string, file: string): string {
  return `version: 1\nidentities:\n  jwt:\n    algorithms: [ES256]\n    ${field}: ${file}\n${ROUTES}`;
}

async function validate(text: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await g.call('/admin/v1/policy/validate', {
    method: 'POST',
    headers: { 'content-type': 'application/yaml' },
    body: text,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('regression: policy/validate as an oracle on the gateway', () => {
  const pairs: [string, string, string][] = [
    ['secretEnv: a set variable vs an unset one', webhook('secretEnv', SET), webhook('secretEnv', UNSET)],
    ['urlEnv: a set variable vs an unset one', webhook('urlEnv', SET), webhook('urlEnv', UNSET)],
    [
      'jwksFile: a file that exists vs one that does not',
      jwt('jwksFile', '/etc/passwd'),
      jwt('jwksFile', '/nonexistent/x'),
    ],
    [
      'publicKeyFile: a file that exists vs one that does not',
      jwt('publicKeyFile', '/etc/hostname'),
      jwt('publicKeyFile', '/nonexistent/x'),
    ],
  ];
  for (const [what, a, b] of pairs) {
    it(`answers the same for ${what}, and says it read neither`, async () => {
      const first = await validate(a);
      const second = await validate(b);
      assert.deepEqual(first, second);
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.match(String(first.body.unchecked), /environment variables/);
      assert.match(String(first.body.unchecked), /key files/);
    });
  }

  it('still reports the policy’s own errors, with the same note', async () => {
    const res = await validate(
      `version: 1\n${ROUTES}alerts:\n  webhooks:\n    - id: oncall\n      secretEnv: ${SET}\n`,
    );
    assert.equal(res.status, 422);
    assert.match(JSON.stringify(res.body.errors), /set exactly one of url or urlEnv/);
    assert.match(String(res.body.unchecked), /not read/);
  });
});
