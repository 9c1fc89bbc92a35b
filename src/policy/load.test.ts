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

  it('keeps the path as given for CompiledPolicy.source', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'enumguard-load-'));
    const file = join(dir, 'p.yaml');
    writeFileSync(file, 'version: 1\nroutes: []\n');
    const policy = await loadPolicy(file);
    assert.equal(policy.source, file);
    assert.deepEqual(policy.routes, []);
  });
});
