import type { Clock } from '../core/clock.ts';
import { isEnumguardError } from '../core/errors.ts';
import type { MemoryStoreConfig } from '../policy/types.ts';
import { moveAside, removeStaleTemps } from './atomic-file.ts';
import { createMemoryStore, type MemoryStore } from './memory-store.ts';
import type { PolicyStoreLogger } from './policy-store-types.ts';
import { startPeriodicSave } from './periodic-save.ts';
import { loadSnapshot, saveSnapshot } from './snapshot-file.ts';

export interface PersistedStore {
  readonly store: MemoryStore;
  /** Writes a snapshot now, after any one under way. Failures are logged, not thrown. */
  save(): Promise<void>;
  /** Stops the periodic snapshots, writes a last one and closes the store. */
  close(): Promise<void>;
}

export interface PersistedStoreOptions {
  readonly clock: Clock;
  readonly logger: PolicyStoreLogger;
  readonly maxKeys?: number | undefined;
  readonly maxRiskRecords?: number | undefined;
  /** From the policy's server.store; without it the store lives and dies with the process. */
  readonly snapshot: MemoryStoreConfig | undefined;
}

/**
 * The memory store `server.store.snapshot` names (open-policy-store.ts), restored from its snapshot at start and saved periodically and
 * at shutdown, so a restart neither hands every scanner a fresh distinct-target quota nor
 * lifts a block.
 *
 * A snapshot that cannot be used (corrupt, truncated, from a newer enumguard) is moved aside
 * to `<path>.corrupt-<time>` and the gateway starts empty: refusing to start would turn a
 * damaged file into an outage, and overwriting it would lose what someone may yet recover.
 * A snapshot that cannot be read or written at all (permissions, a missing directory) stops
 * the start instead: that is a configuration error, and running on would lose every save.
 */
export async function openPersistedStore(options: PersistedStoreOptions): Promise<PersistedStore> {
  const { clock, logger, snapshot } = options;
  const bounds = {
    ...(options.maxKeys === undefined ? {} : { maxKeys: options.maxKeys }),
    ...(options.maxRiskRecords === undefined ? {} : { maxRiskRecords: options.maxRiskRecords }),
  };
  if (snapshot === undefined) {
    const store = createMemoryStore({ clock, ...bounds });
    return { store, save: () => Promise.resolve(), close: () => store.close() };
  }
  const path = snapshot.snapshotPath;
  // Only one gateway writes a snapshot file, so at start every temp file of it is stale.
  const stale = await removeStaleTemps(path);
  if (stale > 0)
    logger.warn({ snapshot: path, removed: stale }, 'removed temporary files of an interrupted save');
  const store = await restoreOrStartEmpty(path, options, bounds);

  // Fail fast on a snapshot that can never be written, rather than at the first periodic save.
  try {
    await saveSnapshot(store, path);
  } catch (err) {
    await store.close();
    throw err;
  }
  const periodic = startPeriodicSave({
    write: () => saveSnapshot(store, path),
    everyMs: snapshot.snapshotEveryMs,
    logger,
    label: 'snapshot',
    fields: { snapshot: path },
  });
  return {
    store,
    save: () => periodic.save(),
    async close() {
      periodic.stop();
      await periodic.save();
      await store.close();
    },
  };
}

async function restoreOrStartEmpty(
  path: string,
  { clock, logger }: PersistedStoreOptions,
  bounds: { maxKeys?: number; maxRiskRecords?: number },
): Promise<MemoryStore> {
  try {
    const state = await loadSnapshot(path);
    const store = createMemoryStore({ clock, ...bounds, ...(state ? { restore: state } : {}) });
    if (state === undefined) logger.info({ snapshot: path }, 'no snapshot yet; starting with an empty store');
    else {
      const { keys, targets, riskRecords } = store.stats();
      logger.info(
        { snapshot: path, keys, targets, riskRecords, savedAt: new Date(state.savedAt).toISOString() },
        'memory store restored from its snapshot',
      );
    }
    return store;
  } catch (err) {
    if (!isEnumguardError(err, 'ERR_SNAPSHOT_INVALID')) throw err;
    const aside = await moveAside(path, clock.now(), err.message, 'snapshot');
    logger.error(
      { snapshot: path, movedTo: aside, err: { message: err.message } },
      `snapshot ${path} is unusable and was moved to ${aside}; starting with an empty store`,
    );
    return createMemoryStore({ clock, ...bounds });
  }
}
