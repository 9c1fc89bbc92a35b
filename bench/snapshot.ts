/**
 * Size and speed of a memory-store snapshot: KEYS keys, each with a TARGETS-number address book
 * remembered by a distinct limit (the state a gateway must not lose on restart).
 *
 *   npx tsx bench/snapshot.ts [--keys 100000] [--targets 300]
 *
 * Prints bytes per key, and the time to save (export, encode, atomic write), to load (read,
 * decode, check) and to restore (rebuild a store from the state).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { manualClock } from '../src/core/clock.ts';
import type { LimitSpec } from '../src/core/limit.ts';
import { formatE164 } from '../src/reference/e164.ts';
import { createMemoryStore } from '../src/stores/memory-store.ts';
import { loadSnapshot, saveSnapshot } from '../src/stores/snapshot-file.ts';

const { values } = parseArgs({
  options: { keys: { type: 'string', default: '100000' }, targets: { type: 'string', default: '300' } },
});
const keys = Number(values.keys);
const targets = Number(values.targets);

const SPEC: LimitSpec = {
  id: 'discover/new-numbers',
  algorithm: 'gcra',
  limit: 6,
  windowMs: 3_600_000,
  burst: 50_000,
};
const clock = manualClock(Date.UTC(2026, 10, 25));
const store = createMemoryStore({ clock, maxKeys: keys * 2, seed: [1, 2] });
const book = new Array<string>(targets);
for (let k = 0; k < keys; k++) {
  for (let t = 0; t < targets; t++) book[t] = formatE164(14_150_000_000 + k * targets + t);
  store.consume([{ spec: SPEC, key: `cd:${k}`, cost: 0, targets: book }]);
}

const dir = mkdtempSync(join(tmpdir(), 'enumguard-snapshot-bench-'));
const path = join(dir, 'store.snap');
try {
  let t = performance.now();
  await saveSnapshot(store, path);
  const saveMs = performance.now() - t;
  const bytes = statSync(path).size;
  t = performance.now();
  const state = await loadSnapshot(path);
  const loadMs = performance.now() - t;
  if (state === undefined) throw new Error('the snapshot just written is missing');
  t = performance.now();
  createMemoryStore({ clock, maxKeys: keys * 2, seed: [1, 2], restore: state });
  const restoreMs = performance.now() - t;
  const int = (n: number): string => Math.round(n).toLocaleString('en-US');
  console.log(`| keys | targets per key | snapshot bytes | bytes per key | save ms | load ms | restore ms |`);
  console.log(`| --- | --- | --- | --- | --- | --- | --- |`);
  console.log(
    `| ${int(keys)} | ${targets} | ${int(bytes)} | ${int(bytes / keys)} | ${int(saveMs)} | ${int(loadMs)} | ${int(restoreMs)} |`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
