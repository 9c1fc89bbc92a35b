import { randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { EnumguardError } from '../core/errors.ts';
import type { MemoryStore } from './memory-store.ts';
import { decodeSnapshot, encodeSnapshot } from './snapshot.ts';
import type { StoreState } from './store-state.ts';

/**
 * Writes the store's state to `path` atomically: into a temporary file in the same directory
 * (rename is atomic only within one file system), flushed to disk, then renamed over `path`,
 * and the directory flushed so the rename itself survives a power cut. A crash at any point
 * leaves the old snapshot or the new one, never half of one. Returns the bytes written.
 *
 * The state is taken synchronously, before any await: decisions made while the file is
 * being written belong to the next snapshot.
 */
export async function saveSnapshot(store: MemoryStore, path: string): Promise<number> {
  const bytes = encodeSnapshot(store.exportState());
  const temp = join(dirname(path), `${tempPrefix(path)}${randomBytes(6).toString('hex')}.tmp`);
  try {
    // 0o600: fingerprints are keyed, but who queried how much is still nobody else's business.
    const file = await open(temp, 'wx', 0o600);
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw new EnumguardError('ERR_SNAPSHOT_IO', `${path}: cannot write the snapshot: ${reason(err)}`, {
      cause: err,
    });
  }
  await syncDirectory(dirname(path));
  return bytes.length;
}

/**
 * Reads a snapshot. Returns undefined when there is none (a first start), throws
 * ERR_SNAPSHOT_INVALID when the file is not a whole, intact snapshot this build can read, and
 * ERR_SNAPSHOT_IO when it cannot be read at all.
 */
export async function loadSnapshot(path: string): Promise<StoreState | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new EnumguardError('ERR_SNAPSHOT_IO', `${path}: cannot read the snapshot: ${reason(err)}`, {
      cause: err,
    });
  }
  return decodeSnapshot(bytes, path);
}

/** Best effort: some platforms (Windows) cannot open a directory to flush it. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // The file itself is flushed; only the rename's durability across a power cut is at stake.
  }
}

/** The OS's own words, e.g. "ENOSPC: no space left on device, write". */
function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Temporary files of `path` start with this: `.<name>.` and end in `.tmp`. */
function tempPrefix(path: string): string {
  return `.${basename(path)}.`;
}

/**
 * Removes temporary files an earlier process left when it was killed mid-save (the snapshot
 * itself is whole either way). Returns how many it removed; a directory it cannot list is
 * left alone, since the save that follows will report it.
 */
export async function removeStaleTemps(path: string): Promise<number> {
  const prefix = tempPrefix(path);
  let names: string[];
  try {
    names = await readdir(dirname(path));
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    await unlink(join(dirname(path), name)).then(
      () => removed++,
      () => undefined,
    );
  }
  return removed;
}
