import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCheck } from './check.ts';
import { runInit } from './init.ts';
import { STARTER_POLICY } from './starter-policy.ts';

function collect() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s) }, out, err };
}

describe('enumguard init', () => {
  const dir = mkdtempSync(join(tmpdir(), 'enumguard-init-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes policy.yaml in the working directory by default', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const { io, out } = collect();
      assert.equal(await runInit([], io), 0);
      assert.equal(readFileSync(join(dir, 'policy.yaml'), 'utf8'), STARTER_POLICY);
      assert.match(out.join('\n'), /^wrote policy\.yaml\. Next:/);
    } finally {
      process.chdir(cwd);
    }
  });

  it('writes a starter policy that passes check', async () => {
    const file = join(dir, 'starter.yaml');
    assert.equal(await runInit([file], collect().io), 0);
    const { io, out, err } = collect();
    assert.equal(await runCheck([file], io), 0, err.join('\n'));
    assert.deepEqual(out, ['starter.yaml: OK (2 routes, 2 limits)']);
  });

  it('refuses to overwrite an existing file without --force, and overwrites it with --force', async () => {
    const file = join(dir, 'mine.yaml');
    writeFileSync(file, 'my own policy\n');
    const refused = collect();
    assert.equal(await runInit([file], refused.io), 1);
    assert.deepEqual(refused.err, [`enumguard init: ${file} already exists; pass --force to overwrite it`]);
    assert.equal(readFileSync(file, 'utf8'), 'my own policy\n');
    assert.equal(await runInit([file, '--force'], collect().io), 0);
    assert.equal(readFileSync(file, 'utf8'), STARTER_POLICY);
  });

  it('names the reason when the file cannot be written, and exits 2 on bad usage', async () => {
    const missing = join(dir, 'no-such-dir', 'policy.yaml');
    const failed = collect();
    assert.equal(await runInit([missing], failed.io), 1);
    assert.deepEqual(failed.err, [`enumguard init: cannot write ${missing}: no such file (ENOENT)`]);
    assert.equal(await runInit(['a.yaml', 'b.yaml'], collect().io), 2);
    assert.equal(await runInit(['--overwrite'], collect().io), 2);
  });
});
