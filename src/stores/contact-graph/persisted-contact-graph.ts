import { randomInt } from 'node:crypto';
import type { Clock } from '../../core/clock.ts';
import { isEnumguardError } from '../../core/errors.ts';
import type { CompiledPolicy } from '../../policy/types.ts';
import { moveAside, removeStaleTemps } from '../atomic-file.ts';
import { startPeriodicSave } from '../periodic-save.ts';
import type { PolicyStoreLogger } from '../policy-store-types.ts';
import { contactGraphBounds } from './graph-options.ts';
import { graphSnapshotPath, loadGraphSnapshot, saveGraphSnapshot } from './graph-snapshot-file.ts';
import { graphPersistenceWarning } from './graph-persistence-warning.ts';
import { createMemoryContactGraph, type MemoryContactGraph } from './memory-contact-graph.ts';

export interface PersistedContactGraph {
  readonly graph: MemoryContactGraph;
  /** The snapshot file, or undefined when the graph lives in memory only. */
  readonly path: string | undefined;
  /** Writes a snapshot now, after any one under way. Failures are logged, not thrown. */
  save(): Promise<void>;
  /** Stops the periodic snapshots and writes a last one. */
  close(): Promise<void>;
}

export interface PersistedContactGraphOptions {
  readonly clock: Clock;
  readonly logger: PolicyStoreLogger;
}

type GraphPolicy = Pick<CompiledPolicy, 'server' | 'accounts' | 'contacts'>;

/**
 * The gateway's contact graph, bounded by the policy's `accounts` and `contacts`. With
 * `server.store.snapshot` it is restored from `<snapshot>.graph` at start, saved at once (a
 * path it can never write stops the start), then every `snapshotEvery` and at close, so a
 * restart keeps every account's contacts, reveals, vouchers and sessions, and the graph's birth:
 * the bootstrap window is counted from it and never reopened. Without a snapshot, or on Redis
 * (where the graph is not shared yet), it lives in memory and a warning says what is lost.
 *
 * An unusable snapshot (corrupt, truncated, a newer format) is moved aside to
 * `<path>.corrupt-<time>` and the gateway starts, as with the store's snapshot: refusing would
 * turn a damaged file into an outage. But the new empty graph starts with its bootstrap window
 * already closed: opening a fresh one would make every account seen in it a seed, an
 * attacker's fresh accounts too. Accounts then keep mutual reveals but start at trust 0; to open
 * a new window on purpose, remove the file while the gateway is stopped.
 */
export async function openPersistedContactGraph(
  policy: GraphPolicy,
  options: PersistedContactGraphOptions,
): Promise<PersistedContactGraph> {
  const { clock, logger } = options;
  const store = policy.server.store;
  if (store?.kind !== 'memory') {
    const warning = graphPersistenceWarning(policy);
    if (warning !== undefined) logger.warn({ store: store?.kind ?? 'memory' }, warning);
    const graph = freshGraph(policy, clock.now());
    return { graph, path: undefined, save: () => Promise.resolve(), close: () => Promise.resolve() };
  }
  const path = graphSnapshotPath(store.snapshotPath);
  const stale = await removeStaleTemps(path);
  if (stale > 0)
    logger.warn({ snapshot: path, removed: stale }, 'removed temporary files of an interrupted save');
  const graph = await restoreOrStartEmpty(policy, path, options);
  // Fail fast on a snapshot that can never be written, rather than at the first periodic save.
  await saveGraphSnapshot(graph, path, clock.now());
  const periodic = startPeriodicSave({
    write: () => saveGraphSnapshot(graph, path, clock.now()),
    everyMs: store.snapshotEveryMs,
    logger,
    label: 'contact graph snapshot',
    fields: { snapshot: path },
  });
  return {
    graph,
    path,
    save: () => periodic.save(),
    async close() {
      periodic.stop();
      await periodic.save();
    },
  };
}

/** A new, empty graph under a fresh random key, born at `createdAt`. */
function freshGraph(policy: GraphPolicy, createdAt: number): MemoryContactGraph {
  return createMemoryContactGraph({
    ...contactGraphBounds(policy),
    seed: [randomInt(2 ** 31), randomInt(2 ** 31)],
    createdAt,
  });
}

async function restoreOrStartEmpty(
  policy: GraphPolicy,
  path: string,
  { clock, logger }: PersistedContactGraphOptions,
): Promise<MemoryContactGraph> {
  try {
    const state = await loadGraphSnapshot(path);
    if (state === undefined) {
      logger.info(
        { snapshot: path },
        'no contact graph snapshot yet; a new graph, its bootstrap window opens now',
      );
      return freshGraph(policy, clock.now());
    }
    const graph = createMemoryContactGraph({
      ...contactGraphBounds(policy),
      seed: state.seed,
      createdAt: state.createdAt,
      restore: state,
    });
    const { accounts, entries, sessions } = graph.stats();
    const at = (ms: number): string => new Date(ms).toISOString();
    logger.info(
      {
        snapshot: path,
        accounts,
        entries,
        sessions,
        createdAt: at(state.createdAt),
        savedAt: at(state.savedAt),
      },
      'contact graph restored from its snapshot',
    );
    return graph;
  } catch (err) {
    if (!isEnumguardError(err, 'ERR_SNAPSHOT_INVALID')) throw err;
    const aside = await moveAside(path, clock.now(), err.message, 'contact graph snapshot');
    logger.error(
      { snapshot: path, movedTo: aside, err: { message: err.message } },
      `contact graph snapshot ${path} is unusable and was moved to ${aside}; starting with an empty graph ` +
        'whose bootstrap window is closed, so no account seen from now on becomes a seed: every account ' +
        'starts at trust 0 (mutual contacts are still revealed at once). To open a new bootstrap window ' +
        `instead, stop the gateway, remove ${path} and start it again`,
    );
    const bootstrapMs = contactGraphBounds(policy).config.bootstrapMs;
    return freshGraph(policy, clock.now() - bootstrapMs);
  }
}
