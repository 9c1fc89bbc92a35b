import { readFileIfPresent, writeFileAtomically } from './atomic-file.ts';
import type { MemoryStore } from './memory-store.ts';
import { decodeSnapshot, encodeSnapshot } from './snapshot.ts';
import type { StoreState } from './store-state.ts';

/**
 * Writes the store's state to `path` atomically (atomic-file.ts), mode 0600. Returns the
 * bytes written.
 *
 * The state is taken synchronously, before any await: decisions made while the file is
 * being written belong to the next snapshot.
 */
export async function saveSnapshot(store: MemoryStore, path: string): Promise<number> {
  const bytes = encodeSnapshot(store.exportState());
  await writeFileAtomically(path, bytes, 'snapshot');
  return bytes.length;
}

/**
 * Reads a snapshot. Returns undefined when there is none (a first start), throws
 * ERR_SNAPSHOT_INVALID when the file is not a whole, intact snapshot this build can read, and
 * ERR_SNAPSHOT_IO when it cannot be read at all.
 */
export async function loadSnapshot(path: string): Promise<StoreState | undefined> {
  const bytes = await readFileIfPresent(path, 'snapshot');
  return bytes === undefined ? undefined : decodeSnapshot(bytes, path);
}
