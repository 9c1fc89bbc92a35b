import { randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { EnumguardError } from '../core/errors.ts';

/**
 * Writes `bytes` to `path` atomically: into a temporary file in the same directory (rename is
 * atomic only within one file system), flushed to disk, then renamed over `path`, and the
 * directory flushed so the rename itself survives a power cut. A crash at any point leaves the
 * old file or the new one, never half of one. The file gets mode 0600 whatever was there
 * before. `what` names the file in messages ("snapshot", "contact graph snapshot").
 */
export async function writeFileAtomically(path: string, bytes: Uint8Array, what: string): Promise<void> {
  const temp = join(dirname(path), `${tempPrefix(path)}${randomBytes(6).toString('hex')}.tmp`);
  try {
    // 0o600: fingerprints are keyed, but who queried how much, or whom, is nobody else's business.
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
    throw new EnumguardError('ERR_SNAPSHOT_IO', `${path}: cannot write the ${what}: ${reason(err)}`, {
      cause: err,
    });
  }
  await syncDirectory(dirname(path));
}

/** The file's bytes, or undefined when there is none; ERR_SNAPSHOT_IO when it cannot be read. */
export async function readFileIfPresent(path: string, what: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new EnumguardError('ERR_SNAPSHOT_IO', `${path}: cannot read the ${what}: ${reason(err)}`, {
      cause: err,
    });
  }
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
export function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Temporary files of `path` start with this: `.<name>.` and end in `.tmp`. */
function tempPrefix(path: string): string {
  return `.${basename(path)}.`;
}

/**
 * Removes temporary files an earlier process left when it was killed mid-save (the file
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

/**
 * Moves an unusable file to `<path>.corrupt-<time>` and returns that name, so nothing
 * overwrites what someone may yet recover. ERR_SNAPSHOT_IO (naming `problem`) when it cannot.
 */
export async function moveAside(path: string, now: number, problem: string, what: string): Promise<string> {
  const aside = `${path}.corrupt-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
  try {
    await rename(path, aside);
  } catch (cause) {
    throw new EnumguardError(
      'ERR_SNAPSHOT_IO',
      `${path}: the ${what} is unusable (${problem}) and cannot be moved aside: ${reason(cause)}`,
      { cause },
    );
  }
  return aside;
}
