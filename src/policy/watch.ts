import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { compilePolicy } from './compile.ts';
import { readPolicyText } from './load.ts';
import type { CompiledPolicy } from './types.ts';

export interface PolicyWatchLogger {
  info(msg: string): void;
  warn(msg: string): void;
}

export interface WatchPolicyOptions {
  /** A new, valid policy. Never called with a broken one. */
  onChange(policy: CompiledPolicy): void;
  /** The file could not be read or compiled; the caller keeps the last good policy in force. */
  onError(err: unknown): void;
  logger?: PolicyWatchLogger;
  /** Quiet time after the last file event before reloading; default 100 ms. */
  debounceMs?: number;
}

export interface PolicyWatcher {
  /** Re-reads and recompiles now (the gateway calls it on SIGHUP), even if the text is unchanged. */
  reload(): Promise<void>;
  /** Stops watching; no callback runs after this. */
  close(): void;
}

/**
 * Hot reload of a policy file. The directory is watched, not the file: editors that save by
 * writing a new file and renaming it over the old one (vim, many IDEs), and Kubernetes
 * ConfigMaps that swap a symlinked directory, replace the inode a file watch would follow.
 * Any event in the directory, debounced, leads to reading the file; a text equal to the one
 * last applied is skipped, so bursts of events and `touch` cause no reload. Key files the
 * policy names (jwksFile, publicKeyFile) are re-read on reload(), i.e. on SIGHUP.
 */
export function watchPolicy(path: string, options: WatchPolicyOptions): PolicyWatcher {
  const file = resolve(path);
  const debounceMs = options.debounceMs ?? 100;
  const name = basename(path);
  // The text of the last policy handed to onChange. A failed text is not remembered, so a
  // later event retries it (a key file it names may have appeared meanwhile).
  let lastGoodText: string | undefined;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  // Reloads run one at a time; requests during one coalesce into a single follow-up.
  let running: Promise<void> | undefined;
  let queued: { force: boolean; promise: Promise<void>; resolve: () => void } | undefined;

  async function attempt(force: boolean): Promise<void> {
    if (closed) return;
    let text: string;
    try {
      text = await readPolicyText(path);
    } catch (err) {
      if (!closed) report(err);
      return;
    }
    if (closed || (!force && text === lastGoodText)) return;
    let policy: CompiledPolicy;
    try {
      policy = compilePolicy(text, { source: path, baseDir: dirname(file) });
    } catch (err) {
      report(err);
      return;
    }
    lastGoodText = text;
    options.logger?.info(`${name}: policy reloaded (${policy.routes.length} route(s))`);
    try {
      options.onChange(policy);
    } catch (err) {
      // The caller's own failure to apply it; reported, never thrown into the fs watcher.
      report(err);
    }
  }

  function report(err: unknown): void {
    options.logger?.warn(`${name}: reload failed, keeping the last good policy: ${(err as Error).message}`);
    options.onError(err);
  }

  function run(force: boolean): Promise<void> {
    if (running === undefined) {
      running = attempt(force).finally(() => {
        running = undefined;
        const next = queued;
        queued = undefined;
        if (next) void run(next.force).then(next.resolve);
      });
      return running;
    }
    if (queued === undefined) {
      let resolveQueued!: () => void;
      const promise = new Promise<void>((r) => (resolveQueued = r));
      queued = { force, promise, resolve: resolveQueued };
    } else {
      queued.force ||= force;
    }
    return queued.promise;
  }

  const watcher: FSWatcher = watch(dirname(file), { persistent: false }, () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => void run(false), debounceMs);
  });
  watcher.on('error', (err) => {
    if (!closed) report(err);
  });

  return {
    reload: () => run(true),
    close() {
      closed = true;
      clearTimeout(timer);
      watcher.close();
    },
  };
}
