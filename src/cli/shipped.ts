import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { internalError } from '../core/internal-error.ts';

/**
 * The package's own folder. This file sits two levels below it both as source (src/cli/, run
 * through tsx in the repository) and built (dist/cli/, in an installed package), so one
 * relative URL serves both.
 */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Folders the package ships for the user to name on the command line (package.json "files"). */
export const SHIPPED_FOLDERS = ['policies', 'baselines', 'scenarios', 'examples'] as const;

/** The version in the package's own package.json, as `--version` prints it. */
export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
    version?: unknown;
  };
  if (typeof manifest.version !== 'string') {
    throw internalError(`${join(PACKAGE_ROOT, 'package.json')} has no "version"`);
  }
  return manifest.version;
}

export interface Resolved {
  /** The path to open. */
  readonly path: string;
  /** True when `path` is the package's copy because the working directory has none. */
  readonly shipped: boolean;
}

/**
 * A file or folder the user named, as typed when it exists relative to the working directory;
 * otherwise, when it names something the package ships ("policies/enumguard-default.yaml",
 * "scenarios/whatsapp-2024.yaml", "baselines"), the package's copy. The README's commands use
 * those relative paths, which exist in the repository but not in a project that installed the
 * package: there they reach node_modules/enumguard/ instead of failing with ENOENT. A user's
 * own file of the same name always wins.
 */
export function resolveShipped(path: string, exists: (p: string) => boolean = existsSync): Resolved {
  if (isAbsolute(path) || exists(path)) return { path, shipped: false };
  // normalize() folds "..": "scenarios/../../x" starts with "..", never a shipped folder.
  const inPackage = normalize(path);
  const top = inPackage.split(sep)[0];
  if (!(SHIPPED_FOLDERS as readonly string[]).includes(top ?? '')) return { path, shipped: false };
  const candidate = join(PACKAGE_ROOT, inPackage);
  return exists(candidate) ? { path: candidate, shipped: true } : { path, shipped: false };
}

/**
 * resolveShipped, telling the user on stderr when the package's copy is used, so a typo in
 * their own file's name does not silently pick another file.
 */
export function openShipped(
  path: string,
  note: (line: string) => void,
  exists: (p: string) => boolean = existsSync,
): string {
  const resolved = resolveShipped(path, exists);
  if (resolved.shipped) note(`${path}: not in this folder; using the one enumguard ships: ${resolved.path}`);
  return resolved.path;
}
