import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isEnumguardError } from '../core/errors.ts';
import { loadPolicy } from './load.ts';

describe('loadPolicy', () => {
  it('reports an unreadable file as ERR_POLICY_READ with the OS reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'enumguard-load-'));
    const missing = join(dir, 'nope.yaml');
    await assert.rejects(loadPolicy(missing), (err: unknown) => {
      assert.ok(isEnumguardError(err, 'ERR_POLICY_READ'));
      assert.equal(err.message, `${missing}: cannot read the policy: no such file (ENOENT)`);
      return true;
    });
    await assert.rejects(loadPolicy(dir), (err: unknown) => {
      assert.ok(isEnumguardError(err, 'ERR_POLICY_READ'));
      assert.equal(err.message, `${dir}: cannot read the policy: is a directory (EISDIR)`);
      return true;
    });
  });

  it('refuses a binary or non-UTF-8 file in one line, not as escaped bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'enumguard-load-'));
    const png = join(dir, 'policy.yaml');
    writeFileSync(png, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]));
    await assert.rejects(loadPolicy(png), (err: unknown) => {
      assert.ok(isEnumguardError(err, 'ERR_POLICY_INVALID'));
      assert.equal(
        err.message,
        "policy.yaml is not a text YAML file (it holds a NUL byte at offset 8): give the policy's .yaml file, saved as UTF-8",
      );
      return true;
    });
    const latin1 = join(dir, 'latin1.yaml');
    writeFileSync(latin1, Buffer.from('version: 1\n# caf\xe9\nroutes: []\n', 'latin1'));
    await assert.rejects(loadPolicy(latin1), (err: unknown) => {
      assert.ok(isEnumguardError(err, 'ERR_POLICY_INVALID'));
      assert.equal(
        err.message,
        "latin1.yaml is not a text YAML file (its bytes are not UTF-8): give the policy's .yaml file, saved as UTF-8",
      );
      return true;
    });
  });

  it('keeps the path as given for CompiledPolicy.source', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'enumguard-load-'));
    const file = join(dir, 'p.yaml');
    writeFileSync(file, 'version: 1\nroutes: []\n');
    const policy = await loadPolicy(file);
    assert.equal(policy.source, file);
    assert.deepEqual(policy.routes, []);
  });
});
