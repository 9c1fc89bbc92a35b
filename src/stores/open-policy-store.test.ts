import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { manualClock } from '../core/clock.ts';
import type { LimitSpec } from '../core/limit.ts';
import { compilePolicy } from '../policy/compile.ts';
import { openPolicyStore } from './open-policy-store.ts';
import { loadSnapshot } from './snapshot-file.ts';

const routes = `routes:
  - id: a
    match: { path: /a }
    auth: none
`;
const spec: LimitSpec = { id: 'q', algorithm: 'gcra', limit: 1, windowMs: 60_000, burst: 2 };
const clock = manualClock(1_700_000_000_000);

describe('openPolicyStore', () => {
  it('opens a memory store that keeps nothing when the policy names no store', async () => {
    const opened = await openPolicyStore(compilePolicy(`version: 1\n${routes}`), { clock });
    assert.deepEqual(
      [opened.kind, opened.summary, opened.stats()],
      ['memory', { kind: 'memory', snapshot: 'none: counters are lost on restart' }, undefined],
    );
    const take = () => opened.store.consume([{ spec, key: 'q:a', cost: 1 }]);
    assert.deepEqual(
      [(await take()).allowed, (await take()).allowed, (await take()).allowed],
      [true, true, false],
    );
    await opened.close();
  });

  it('restores the memory store from server.store.snapshot and saves it on close', async () => {
    const dir = mkdtempSync(`${tmpdir()}/enumguard-open-store-`);
    const policy = compilePolicy(
      `version: 1\nserver:\n  store: { snapshot: state.snap, snapshotEvery: 1h }\n${routes}`,
      { baseDir: dir },
    );
    const first = await openPolicyStore(policy, { clock, maxKeys: 64 });
    assert.deepEqual(first.summary, {
      kind: 'memory',
      snapshot: `${dir}/state.snap`,
      snapshotEveryMs: 3_600_000,
    });
    await first.store.consume([{ spec, key: 'q:a', cost: 2 }]);
    await first.close();
    assert.equal((await loadSnapshot(`${dir}/state.snap`))?.keys, 1);

    const second = await openPolicyStore(policy, { clock, maxKeys: 64 });
    const again = await second.store.consume([{ spec, key: 'q:a', cost: 1 }]);
    assert.equal(again.allowed, false, 'the restored key has spent its burst');
    await second.close();
  });
});
