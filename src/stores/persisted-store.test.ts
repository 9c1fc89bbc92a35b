import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { manualClock } from '../core/clock.ts';
import type { LimitSpec } from '../core/limit.ts';
import { loadSnapshot } from './snapshot-file.ts';
import { openPersistedStore } from './persisted-store.ts';
import { riskModel } from '../core/risk.ts';

const spec: LimitSpec = { id: 'q', algorithm: 'gcra', limit: 1, windowMs: 86_400_000, burst: 50 };

/** Counts the snapshots a persisted store reports saving. */
function countingLogger() {
  const saved = { count: 0 };
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (chunk.toString().includes('"msg":"snapshot saved"')) saved.count++;
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), saved };
}

describe('persisted store', () => {
  it('bounds the risk records by maxRiskRecords (gateway --max-risk-records)', async () => {
    const persisted = await openPersistedStore({
      clock: manualClock(0),
      logger: pino({ level: 'silent' }),
      maxKeys: 64,
      maxRiskRecords: 10,
      snapshot: undefined,
    });
    const model = riskModel({
      halfLifeMs: 3_600_000,
      thresholds: { block: 10 },
      shrinkFactor: 0.5,
      block: { baseMs: 3_600_000, multiplier: 2, maxMs: 86_400_000, forgetAfterMs: 86_400_000 },
    });
    const signal = { weight: 20, layers: { identity: 1, ipPrefix: 0, cohort: 0 }, shadow: false };
    for (let n = 0; n < 30; n++)
      persisted.store.signal({ model, identity: `id-${n}`, prefix: '10.0.0.0/24', shadow: false }, signal);
    const stats = (persisted.store as unknown as { stats(): { riskRecords: number } }).stats();
    assert.equal(stats.riskRecords, 10, 'the table filled to its bound and no further');
    await persisted.close();
  });

  it('saves every snapshotEvery and once more on close', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    const dir = mkdtempSync(join(tmpdir(), 'enumguard-persist-'));
    const path = join(dir, 'store.snap');
    const { logger, saved } = countingLogger();
    const persisted = await openPersistedStore({
      clock: manualClock(1_700_000_000_000),
      logger,
      snapshot: { kind: 'memory', snapshotPath: path, snapshotEveryMs: 30_000 },
    });
    // Start writes an empty snapshot at once: a path that cannot be written fails the start.
    assert.equal((await loadSnapshot(path))?.keys, 0);

    persisted.store.consume([{ spec, key: 'q:alice', cost: 0, targets: ['+14155550100'] }]);
    t.mock.timers.tick(29_999);
    await persisted.save(); // queued behind any periodic save the tick started
    assert.equal(saved.count, 1, 'only the explicit save so far');
    t.mock.timers.tick(1);
    await persisted.save();
    assert.equal(saved.count, 3, 'the periodic save, then the explicit one');
    assert.deepEqual(Array.from((await loadSnapshot(path))?.targetCounts ?? []), [1]);

    persisted.store.consume([{ spec, key: 'q:bob', cost: 0, targets: ['+14155550100'] }]);
    await persisted.close();
    assert.equal(saved.count, 4);
    assert.equal((await loadSnapshot(path))?.keys, 2);
  });

  it('removes temporary files an interrupted save left, and only those', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'enumguard-persist-'));
    const path = join(dir, 'store.snap');
    writeFileSync(join(dir, '.store.snap.a1b2c3d4e5f6.tmp'), 'half a snapshot');
    writeFileSync(join(dir, '.other.snap.a1b2c3d4e5f6.tmp'), 'another file');
    const { logger } = countingLogger();
    const persisted = await openPersistedStore({
      clock: manualClock(1_700_000_000_000),
      logger,
      snapshot: { kind: 'memory', snapshotPath: path, snapshotEveryMs: 30_000 },
    });
    await persisted.close();
    assert.deepEqual(readdirSync(dir).sort(), ['.other.snap.a1b2c3d4e5f6.tmp', 'store.snap']);
  });

  it('skips a periodic save while the previous one is still being written', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    const dir = mkdtempSync(join(tmpdir(), 'enumguard-persist-'));
    const { logger, saved } = countingLogger();
    const persisted = await openPersistedStore({
      clock: manualClock(1_700_000_000_000),
      logger,
      snapshot: { kind: 'memory', snapshotPath: join(dir, 'store.snap'), snapshotEveryMs: 1_000 },
    });
    // Ten ticks while the first save has not finished (no I/O ran in between): one save.
    for (let i = 0; i < 10; i++) t.mock.timers.tick(1_000);
    await persisted.save();
    assert.equal(saved.count, 2, 'one periodic save, then the explicit one');
    await persisted.close();
  });
});
