import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { loadPolicy } from '../../src/policy/index.ts';

/** The shipped baseline policies must always load: the simulator's comparisons depend on them. */
describe('shipped baselines', () => {
  it('all compile', async () => {
    const files = readdirSync('baselines').filter((f) => f.endsWith('.yaml'));
    for (const name of ['none', 'per-ip', 'signal-cdsi', 'incremental-cd'])
      assert.ok(files.includes(`${name}.yaml`), `baselines/${name}.yaml is missing`);
    for (const f of files) await loadPolicy(`baselines/${f}`);
  });
});
