import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { createApiKeyVerifier } from '../identity/api-keys.ts';
import { runHashKey } from './hash-key.ts';

async function hashKey(args: string[], stdin?: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runHashKey(args, {
    stdout: (s) => out.push(s),
    stderr: (s) => err.push(s),
    ...(stdin ? { stdin: Readable.from(stdin.map((s) => Buffer.from(s))) } : {}),
  });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

const ALICE = 'f80024220afd493b4d9592af870de7afe98061992d28fdb75480c9b717783fa2'; // examples/policy.yaml

describe('enumguard hash-key', () => {
  it('prints the sha256 examples/policy.yaml stores for its key, from an argument or stdin', async () => {
    assert.deepEqual(await hashKey(['demo-key-alice']), { code: 0, stdout: ALICE, stderr: '' });
    assert.deepEqual(await hashKey([], ['demo-key-alice\n']), { code: 0, stdout: ALICE, stderr: '' });
    assert.deepEqual(await hashKey(['-'], ['demo-', 'key-alice']), { code: 0, stdout: ALICE, stderr: '' });
  });

  it('takes a key that starts with a dash after --', async () => {
    const digest = createHash('sha256').update('-Zk3_a', 'utf8').digest('hex');
    assert.deepEqual(await hashKey(['--', '-Zk3_a']), { code: 0, stdout: digest, stderr: '' });
    assert.equal((await hashKey(['-Zk3_a'])).code, 2);
  });

  it('reads only the first line of stdin and drops the spaces around the key, as the gateway does', async () => {
    assert.equal((await hashKey([], ['  demo-key-alice \r\nsecond line\n'])).stdout, ALICE);
  });

  it('gives the digest the gateway accepts for that key', async () => {
    const key = 'k_3f9a…ünïcode';
    const { stdout } = await hashKey([key]);
    assert.equal(stdout, createHash('sha256').update(key, 'utf8').digest('hex'));
    const verifier = createApiKeyVerifier({
      header: 'x-api-key',
      keys: [{ id: 'me', sha256: stdout, scopes: [] }],
    });
    const result = verifier.verify({ 'x-api-key': key });
    assert.ok(result.kind === 'ok' && result.identity.id === 'me');
  });

  it('refuses an empty key, a key the gateway would never accept, and two keys', async () => {
    assert.deepEqual(await hashKey([], ['\n']), {
      code: 1,
      stdout: '',
      stderr: 'enumguard hash-key: the key is empty (nothing on stdin)',
    });
    assert.deepEqual(await hashKey(['x'.repeat(1025)]), {
      code: 1,
      stdout: '',
      stderr: 'enumguard hash-key: the key has 1025 characters; the gateway refuses keys longer than 1024',
    });
    assert.equal((await hashKey(['a', 'b'])).code, 2);
    assert.equal((await hashKey(['--salt'])).code, 2);
  });
});
