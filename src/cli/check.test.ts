import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCheck } from './check.ts';

const ROOT = join(import.meta.dirname, '../..');
const FIXTURES = join(ROOT, 'test/fixtures/policies');

async function check(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCheck(args, { stdout: (s) => out.push(`${s}\n`), stderr: (s) => err.push(`${s}\n`) });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('runCheck', () => {
  it('prints OK with the route and limit counts for a valid policy', async () => {
    assert.deepEqual(await check(join(ROOT, 'examples/policy.yaml')), {
      code: 0,
      stdout: 'policy.yaml: OK (4 routes, 6 limits)\n',
      stderr: '',
    });
    assert.deepEqual(await check(join(FIXTURES, 'valid-minimal.yaml')), {
      code: 0,
      stdout: 'valid-minimal.yaml: OK (1 route, 1 limit)\n',
      stderr: '',
    });
  });

  it('prints every located message on stderr and exits 1 for an invalid policy', async () => {
    const result = await check(join(FIXTURES, 'invalid-several-errors.yaml'));
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    const lines = result.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 5);
    assert.equal(
      lines[0],
      'invalid-several-errors.yaml:3 server.idleTimeout: expected a duration like "10s", "5 m" or "1h", got "forever"',
    );
  });

  it('exits 1 with the OS reason for a file it cannot read', async () => {
    const missing = join(FIXTURES, 'does-not-exist.yaml');
    assert.deepEqual(await check(missing), {
      code: 1,
      stdout: '',
      stderr: `${missing}: cannot read the policy: no such file (ENOENT)\n`,
    });
  });

  it('exits 2 with usage for no file, two files or an unknown option', async () => {
    for (const args of [[], ['a.yaml', 'b.yaml'], ['--strict', 'a.yaml']]) {
      const result = await check(...args);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /usage: enumguard check <policy\.yaml>/);
    }
    assert.match((await check('--strict', 'a.yaml')).stderr, /^unknown option --strict\n/);
  });

  it('prints usage on stdout and exits 0 for --help', async () => {
    const result = await check('--help');
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^usage: enumguard check/);
  });
});
