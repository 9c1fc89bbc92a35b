/**
 * The contact graph's cost: bytes per remembered number (held by an account), the time to
 * record and to view one lookup, on the in-process graph, and its snapshot's size and the time
 * to save it (encode, write, fsync) and to restore it (read, decode, check, rebuild).
 *
 *   node --expose-gc --import tsx bench/contact-graph.ts [accounts] [book]
 *
 * Defaults: 100,000 accounts with books of 300 numbers (30M entries), the average book of the
 * reference population. Prints one JSON line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadGraphSnapshot, saveGraphSnapshot } from '../src/stores/contact-graph/graph-snapshot-file.ts';
import { createMemoryContactGraph } from '../src/stores/contact-graph/memory-contact-graph.ts';

const accounts = Number(process.argv[2] ?? 100_000);
const book = Number(process.argv[3] ?? 300);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

const bounds = {
  config: {
    maxPerAccount: 20_000,
    maxAccounts: accounts * 2,
    forgetAfterMs: 1e12,
    bootstrapMs: 0,
    anchorAt: 3,
  },
  sessions: { forgetAfterMs: 1e12, max: 1 },
};
const graph = createMemoryContactGraph({ ...bounds, seed: [1, 2], createdAt: 0 });
const fp = (i: number): number => graph.fingerprint(`+1${String(2000000000 + i)}`);
const numbers = Array.from({ length: accounts * 4 }, (_, i) => fp(i));

gc();
const before = process.memoryUsage();
let t = process.hrtime.bigint();
for (let a = 0; a < accounts; a++) {
  const held = new Array<number>(book);
  for (let k = 0; k < book; k++) held[k] = numbers[(a * 7919 + k * 104729) % numbers.length] as number;
  graph.update(numbers[a] as number, { held, vouchers: [], shown: [] }, 1);
}
const recordNs = Number(process.hrtime.bigint() - t) / accounts;
gc();
const after = process.memoryUsage();
const stats = graph.stats();
const bytes = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);

const targets = numbers.slice(0, 1000);
t = process.hrtime.bigint();
const views = 2000;
for (let v = 0; v < views; v++) graph.view(numbers[v % accounts] as number, targets, 2);
const viewNs = Number(process.hrtime.bigint() - t) / views;

const dir = mkdtempSync(join(tmpdir(), 'enumguard-bench-graph-'));
const path = join(dir, 'state.snap.graph');
t = process.hrtime.bigint();
const snapshotBytes = await saveGraphSnapshot(graph, path, 2);
const saveMs = Number(process.hrtime.bigint() - t) / 1e6;
t = process.hrtime.bigint();
const state = await loadGraphSnapshot(path);
const restored = createMemoryContactGraph({
  ...bounds,
  seed: [1, 2],
  createdAt: 0,
  ...(state ? { restore: state } : {}),
});
const restoreMs = Number(process.hrtime.bigint() - t) / 1e6;
rmSync(dir, { recursive: true });
if (restored.stats().entries !== stats.entries) throw new Error('the restored graph differs');

console.log(
  JSON.stringify({
    accounts,
    book,
    entries: stats.entries,
    bytesPerEntry: +(bytes / stats.entries).toFixed(2),
    entryBytesPerEntry: +(stats.entryBytes / stats.entries).toFixed(2),
    bytesPerAccount: Math.round(bytes / stats.accounts),
    recordUsPerLookup: +(recordNs / 1000).toFixed(1),
    viewUsPer1000Targets: +(viewNs / 1000).toFixed(1),
    snapshotMB: +(snapshotBytes / 1e6).toFixed(1),
    snapshotSaveMs: Math.round(saveMs),
    snapshotRestoreMs: Math.round(restoreMs),
  }),
);
