import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy, PolicyError } from '../../src/policy/index.ts';

/**
 * Regression (found by the policy fuzzer, issue 13): a list or mapping used as a key
 * (`? store: …`, `{ {a: 1}: x }`) was turned into its own text as a key. The YAML parser then
 * printed a process warning with that text on stderr (for a Redis URL, its password), and the
 * text's line breaks split one issue over several lines, leaving all but the first unlocated.
 */
function refusal(text: string): PolicyError {
  try {
    compilePolicy(text, { source: 'policy.yaml' });
  } catch (err) {
    assert.ok(err instanceof PolicyError, String(err));
    return err;
  }
  assert.fail('the policy compiled');
}

describe('regression: a collection as a YAML key', () => {
  it('is refused at its line, and nothing is printed as a process warning', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      const err = refusal(
        'version: 1\nserver:\n  ? store: { redis: "redis://u:hunter2@10.0.0.5:6379" }\n  : 1\nroutes: []\n',
      );
      assert.equal(
        err.message,
        'policy.yaml:3: invalid YAML: a mapping key must be a plain value, not a list or mapping',
      );
      // process.emitWarning emits on the next tick: let every queued tick run first.
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(warnings, []);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('keeps every issue on one line when a key holds a line break', () => {
    const err = refusal('version: 1\nroutes: []\n"a\\nb\\u0000": 1\n');
    const lines = err.message.split('\n');
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? '', /^policy\.yaml:3 a\\nb\\u0000: unknown key "a\\nb\\u0000"/);
  });
});
