import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT, openShipped, resolveShipped } from './shipped.ts';

/** As from a project that installed enumguard: nothing exists in the working directory. */
const emptyProject = (p: string): boolean => p.startsWith(PACKAGE_ROOT) && existsSync(p);

describe('resolveShipped', () => {
  it('finds the package root from src/cli as from dist/cli: the folder with package.json', () => {
    assert.ok(existsSync(join(PACKAGE_ROOT, 'package.json')));
    assert.ok(existsSync(join(PACKAGE_ROOT, 'policies', 'enumguard-default.yaml')));
  });

  it("reaches the package's policies, scenarios and baselines when the working directory has none", () => {
    for (const path of [
      'policies/enumguard-default.yaml',
      'scenarios/whatsapp-2024.yaml',
      'baselines',
      './baselines/',
    ]) {
      const resolved = resolveShipped(path, emptyProject);
      assert.equal(resolved.shipped, true, path);
      assert.ok(resolved.path.startsWith(PACKAGE_ROOT) && existsSync(resolved.path), resolved.path);
    }
  });

  it("keeps the user's own file, absolute paths, other folders and names the package lacks as given", () => {
    const mine = (p: string): boolean => p === 'policies/enumguard-default.yaml';
    assert.deepEqual(resolveShipped('policies/enumguard-default.yaml', mine), {
      path: 'policies/enumguard-default.yaml',
      shipped: false,
    });
    for (const path of [
      'policy.yaml',
      'src/cli/main.ts',
      'policies/mine.yaml',
      'scenarios/../package.json',
      '/etc/hosts',
    ]) {
      assert.deepEqual(resolveShipped(path, emptyProject), { path, shipped: false }, path);
    }
  });

  it('says on stderr when it uses the package copy, and only then', () => {
    const notes: string[] = [];
    const path = openShipped('baselines', (l) => notes.push(l), emptyProject);
    assert.equal(path, join(PACKAGE_ROOT, 'baselines'));
    assert.deepEqual(notes, [`baselines: not in this folder; using the one enumguard ships: ${path}`]);
    assert.equal(
      openShipped('policy.yaml', (l) => notes.push(l), emptyProject),
      'policy.yaml',
    );
    assert.equal(notes.length, 1);
  });
});
