import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { compilePolicy } from '../../src/policy/compile.ts';

const ROOT = join(import.meta.dirname, '../..');
const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
  ...readdirSync(join(ROOT, 'docs/design')).map((f) => `docs/design/${f}`),
];

describe('README and docs', () => {
  it("the README's example policy passes check", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const example = /## One example[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme);
    assert.ok(example?.[1], 'README.md has a yaml block under "## One example"');
    const policy = compilePolicy(example[1], { source: 'README.md' });
    assert.equal(policy.routes[0]?.id, 'discover');
  });

  it('every relative link points at a file that exists', () => {
    const broken: string[] = [];
    for (const doc of DOCS) {
      const text = readFileSync(join(ROOT, doc), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (target === undefined || /^[a-z]+:/.test(target)) continue;
        if (!existsSync(join(ROOT, dirname(doc), target))) broken.push(`${doc}: ${target}`);
      }
    }
    assert.deepEqual(broken, []);
  });
});
