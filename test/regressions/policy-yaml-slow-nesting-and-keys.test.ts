import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy, PolicyError } from '../../src/policy/index.ts';

/**
 * Regression (found by the policy fuzzer, issue 13): two YAML shapes made the loader slow. A
 * flow collection 50,000 levels deep took 2 s to end in "invalid YAML: Maximum call stack
 * size exceeded"; a mapping of 20,000 keys took 19 s, since the parser compares every key with
 * every earlier one to refuse duplicates. Both are now refused or read in linear time.
 */
const BASE = 'version: 1\nroutes: []\n';

function cpuMs(fn: () => void): number {
  const started = process.cpuUsage();
  fn();
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000;
}

function refusal(text: string): PolicyError {
  try {
    compilePolicy(text, { source: 'policy.yaml' });
  } catch (err) {
    assert.ok(err instanceof PolicyError, String(err));
    return err;
  }
  assert.fail('the policy compiled');
}

describe('regression: the policy loader stays fast on deep nesting and huge mappings', () => {
  for (const [shape, value] of [
    ['sequences', '['.repeat(50_000) + ']'.repeat(50_000)],
    ['mappings', '{a: '.repeat(50_000) + '1' + '}'.repeat(50_000)],
  ] as const) {
    it(`refuses flow ${shape} nested 50,000 deep at once, at their line`, () => {
      let err: PolicyError | undefined;
      const ms = cpuMs(() => (err = refusal(`${BASE}x: ${value}\n`)));
      assert.equal(err?.message, 'policy.yaml:3: invalid YAML: collections nested deeper than 64 levels');
      assert.ok(ms < 500, `took ${ms} ms of CPU`);
    });
  }

  it('reads a mapping of 20,000 keys in linear time (the unknown key is what it refuses)', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `k${i}: ${i}`).join(', ');
    let err: PolicyError | undefined;
    const ms = cpuMs(() => (err = refusal(`${BASE}x: {${keys}}\n`)));
    assert.match(err?.message ?? '', /^policy\.yaml:3 x: unknown key "x"/);
    // The parser alone needs some hundreds of ms for 20,000 pairs; the quadratic check needed 19 s.
    assert.ok(ms < 5000, `took ${ms} ms of CPU`);
  });

  it('still refuses a repeated key at the repeat, in flow and block mappings', () => {
    assert.equal(
      refusal(`${BASE}server: {bodyLimit: 1mb, bodyLimit: 2mb}\n`).message,
      'policy.yaml:3: invalid YAML: Map keys must be unique',
    );
    assert.equal(
      refusal('version: 1\nroutes: []\nunmatched: deny\nunmatched: allow\n').message,
      'policy.yaml:4: invalid YAML: Map keys must be unique',
    );
  });

  it('keeps brackets inside comments and 64 levels of real nesting out of the depth bound', () => {
    const deep = '['.repeat(60) + ']'.repeat(60);
    const err = refusal(`${BASE}# ${'['.repeat(100)}\nx: ${deep}\n`);
    assert.match(err.message, /^policy\.yaml:4 x: unknown key "x"/);
  });
});
