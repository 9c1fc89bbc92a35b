import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualClock } from '../core/clock.ts';
import { isEnumguardError } from '../core/errors.ts';
import type { LimitSpec } from '../core/limit.ts';
import { createMemoryStore } from './memory-store.ts';
import { loadSnapshot, saveSnapshot } from './snapshot-file.ts';

const spec: LimitSpec = { id: 'q', algorithm: 'gcra', limit: 6, windowMs: 3_600_000, burst: 50 };
const book = Array.from({ length: 20 }, (_, i) => `+1415555${String(1000 + i)}`);

function filled() {
  const clock = manualClock(1_700_000_000_000);
  const store = createMemoryStore({ clock, seed: [7, 8] });
  store.consume([{ spec, key: 'q:alice', cost: 0, targets: book }]);
  return { clock, store };
}

describe('snapshot files', () => {
  it('saves and loads a store, leaving no temporary file behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'enumguard-snap-'));
    const path = join(dir, 'store.snap');
    const { clock, store } = filled();
    const written = await saveSnapshot(store, path);
    // A second save replaces the first in place.
    assert.equal(await saveSnapshot(store, path), written);
    assert.deepEqual(readdirSync(dir), ['store.snap']);
    assert.equal(statSync(path).size, written);
    assert.equal(statSync(path).mode & 0o777, 0o600);

    const state = await loadSnapshot(path);
    assert.ok(state);
    const restored = createMemoryStore({ clock, restore: state });
    const again = restored.consume([{ spec, key: 'q:alice', cost: 0, targets: book }]);
    assert.equal(again.outcomes[0]?.remaining, 30, 'the known book is free after the restore');
  });

  it('treats a missing file as a fresh start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'enumguard-snap-'));
    assert.equal(await loadSnapshot(join(dir, 'none.snap')), undefined);
  });

  it('names the file and what is wrong with it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'enumguard-snap-'));
    const path = join(dir, 'store.snap');
    await saveSnapshot(filled().store, path);
    const whole = readFileSync(path);
    writeFileSync(path, whole.subarray(0, 100));
    await assert.rejects(loadSnapshot(path), (err: unknown) => {
      assert.ok(isEnumguardError(err, 'ERR_SNAPSHOT_INVALID'));
      assert.equal(err.message, `${path}: truncated at byte 100 (expected ${whole.length} bytes)`);
      return true;
    });
  });

  it('reports a snapshot it cannot read or write as ERR_SNAPSHOT_IO and leaves nothing behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'enumguard-snap-'));
    mkdirSync(join(dir, 'a-directory'));
    await assert.rejects(loadSnapshot(join(dir, 'a-directory')), (err: unknown) => {
      assert.ok(isEnumguardError(err, 'ERR_SNAPSHOT_IO'));
      assert.match(err.message, /a-directory: cannot read the snapshot: EISDIR/);
      return true;
    });
    // Renaming a file over a directory fails after the temporary file was written.
    await assert.rejects(saveSnapshot(filled().store, join(dir, 'a-directory')), (err: unknown) => {
      assert.ok(isEnumguardError(err, 'ERR_SNAPSHOT_IO'));
      assert.match(err.message, /a-directory: cannot write the snapshot: /);
      return true;
    });
    assert.deepEqual(readdirSync(dir), ['a-directory']);
  });
});
