import { readFileIfPresent, writeFileAtomically } from '../atomic-file.ts';
import type { GraphState } from './graph-state.ts';
import { decodeGraphSnapshot, encodeGraphSnapshot } from './graph-snapshot.ts';
import type { MemoryContactGraph } from './memory-contact-graph.ts';

const WHAT = 'contact graph snapshot';

/** Where the contact graph's snapshot lives beside the store's: `<snapshot>.graph`. */
export function graphSnapshotPath(storeSnapshotPath: string): string {
  return `${storeSnapshotPath}.graph`;
}

/**
 * Writes the graph's live state at `now` to `path` atomically, mode 0600 (it is a contact
 * graph: who holds whose number, as keyed fingerprints, and the key). Returns the bytes written.
 * The state is taken before any await, so updates made during the write go to the next save.
 */
export async function saveGraphSnapshot(
  graph: MemoryContactGraph,
  path: string,
  now: number,
): Promise<number> {
  const bytes = encodeGraphSnapshot(graph.exportState(now));
  await writeFileAtomically(path, bytes, WHAT);
  return bytes.length;
}

/**
 * Reads a contact graph snapshot: undefined when there is none, ERR_SNAPSHOT_INVALID (naming
 * the file and what is wrong) when it is not a whole, intact one this build reads,
 * ERR_SNAPSHOT_IO when it cannot be read at all.
 */
export async function loadGraphSnapshot(path: string): Promise<GraphState | undefined> {
  const bytes = await readFileIfPresent(path, WHAT);
  return bytes === undefined ? undefined : decodeGraphSnapshot(bytes, path);
}
