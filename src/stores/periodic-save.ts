import type { PolicyStoreLogger } from './policy-store-types.ts';

export interface PeriodicSaveOptions {
  /** Writes one snapshot; returns the bytes written. */
  readonly write: () => Promise<number>;
  readonly everyMs: number;
  readonly logger: PolicyStoreLogger;
  /** What is saved, for messages: "snapshot", "contact graph snapshot". */
  readonly label: string;
  /** Fields every message carries (the file's path). */
  readonly fields: Readonly<Record<string, unknown>>;
}

export interface PeriodicSave {
  /** Writes a snapshot now, after any one under way. Failures are logged, not thrown. */
  save(): Promise<void>;
  /** Stops the timer (a save under way finishes). */
  stop(): void;
}

/**
 * Saves every `everyMs` on an unref'd timer, one save at a time. A tick while a save is still
 * under way is skipped: state that takes longer to write than the interval would otherwise
 * queue saves without end. A failed save is logged and the previous file stays.
 */
export function startPeriodicSave(options: PeriodicSaveOptions): PeriodicSave {
  const { logger, label, fields } = options;
  let last: Promise<void> = Promise.resolve();
  const save = (): Promise<void> => {
    last = last.then(async () => {
      try {
        const started = performance.now();
        const bytes = await options.write();
        logger.debug({ ...fields, bytes, ms: Math.round(performance.now() - started) }, `${label} saved`);
      } catch (err) {
        logger.error(
          { ...fields, err: { message: (err as Error).message } },
          `${label} not saved; the previous one stays`,
        );
      }
    });
    return last;
  };
  let saving = false;
  const tick = (): void => {
    if (saving) return;
    saving = true;
    void save().finally(() => {
      saving = false;
    });
  };
  const timer = setInterval(tick, options.everyMs);
  // The timer alone must not keep a stopped gateway's process alive.
  timer.unref();
  return { save, stop: () => clearInterval(timer) };
}
