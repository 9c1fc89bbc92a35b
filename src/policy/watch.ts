import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { compilePolicy } from './compile.ts';
import { readPolicyText } from './load.ts';
import type { CompiledPolicy } from './types.ts';

export interface PolicyWatchLogger {
  info(msg: string): void;
  warn(msg: string): void;
  /** Events that changed nothing (another file in the folder, the same text written again). */
  debug?(msg: string): void;
}

export interface WatchPolicyOptions {
  /** A new, valid policy, and the text it was compiled from. Never called with a broken one. */
  onChange(policy: CompiledPolicy, text: string): void;
  /** The file could not be read or compiled; the caller keeps the last good policy in force. */
  onError(err: unknown): void;
  logger?: PolicyWatchLogger;
  /** Quiet time after the last file event before reloading; default 100 ms. */
  debounceMs?: number;
  /**
   * The text the policy in force was compiled from (`loadPolicySource` gives it). An event whose
   * file still holds it reloads nothing. Without it, the first event reloads, since the file may
   * have changed between loading the policy and starting the watch; later ones only on a change.
   */
  initialText?: string;
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
 * in force (`initialText`, then the last applied) is skipped, so other files
 * changing beside the policy, bursts of events and `touch` cause no reload and no log line. Key files the
 * policy names (jwksFile, publicKeyFile) are re-read on reload(), i.e. on SIGHUP.
 */
export function watchPolicy(path: string, options: WatchPolicyOptions): PolicyWatcher {
  const file = resolve(path);
  const debounceMs = options.debounceMs ?? 100;
  const name = basename(path);
  // The text of the policy in force: the caller's at the start, then the last handed to onChange.
  // A failed text is not remembered, so a later event retries it (a key file it names may have
  // appeared meanwhile). Never the file as read at the start: an edit made after the caller
  // loaded its policy would count as in force without ever being applied.
  let lastGoodText = options.initialText;
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
    if (closed) return;
    if (!force && text === lastGoodText) {
      options.logger?.debug?.(`${name}: its folder changed, the policy did not; nothing to reload`);
      return;
    }
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
      options.onChange(policy, text);
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
