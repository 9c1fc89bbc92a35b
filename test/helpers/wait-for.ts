/**
 * Waiting in tests: for a condition or an event, never for an amount of time (DESIGN.md,
 * convention 6: the suite must pass with both cores busy).
 *
 * - `waitUntil(what, check)` polls a condition until it holds. Use it where nothing signals the
 *   change (a server coming up, a circuit closing on a later request).
 * - `withDeadline(what, promise)` awaits an event's promise.
 * - `gate()` is a promise opened by hand, from an event handler (a MONITOR line seen) or the test.
 * - `createCounter()` counts occurrences (requests received, responses over, watcher events)
 *   and resolves `reached(n)` the moment the count gets there.
 *
 * Every wait has a deadline, but only as a safety net: generous (30 s by default, far beyond
 * what a loaded machine needs) and failing with a message that says what did not happen.
 */
const SAFETY_NET_MS = 30_000;
/** Between two checks of a polled condition: short, so a waiting test adds little latency. */
const POLL_EVERY_MS = 10;

export interface WaitOptions {
  /** Give up after this long (default 30 s): a safety net, not a timing assumption. */
  readonly deadlineMs?: number;
  /** Milliseconds between two checks of a polled condition (default 10). */
  readonly everyMs?: number;
}

function timedOut(what: string, ms: number, detail?: string): Error {
  return new Error(`waited ${ms / 1000} s for ${what}, and it did not happen${detail ? `: ${detail}` : ''}`);
}

/**
 * Resolves with the first truthy value `check` returns (it may be async; a check that throws
 * counts as not yet), polled every `everyMs`. Rejects after the deadline, naming `what` and the
 * last error the check threw.
 */
export async function waitUntil<T>(
  what: string,
  check: () => T | Promise<T>,
  options: WaitOptions = {},
): Promise<NonNullable<T>> {
  const deadlineMs = options.deadlineMs ?? SAFETY_NET_MS;
  const everyMs = options.everyMs ?? POLL_EVERY_MS;
  const giveUpAt = performance.now() + deadlineMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    if (performance.now() > giveUpAt) {
      throw timedOut(what, deadlineMs, lastError instanceof Error ? lastError.message : undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** `pending`'s outcome, or a rejection naming `what` if it has not settled by the deadline. */
export function withDeadline<T>(what: string, pending: Promise<T>, deadlineMs = SAFETY_NET_MS): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(timedOut(what, deadlineMs)), deadlineMs);
    pending.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

export interface Gate {
  /** Resolves once open() was called. */
  readonly opened: Promise<void>;
  open(): void;
}

/** A promise the test resolves by hand. */
export function gate(): Gate {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

export interface Counter {
  readonly value: number;
  /** Adds `by` (default 1) and wakes the waits it satisfies. */
  add(by?: number): void;
  /** Resolves once the count is at least `n` (at once if it already is), else fails at the deadline. */
  reached(n: number, what?: string, deadlineMs?: number): Promise<void>;
}

/** A count of events that a test can await, instead of sleeping until they "must" have happened. */
export function createCounter(name = 'the count'): Counter {
  let value = 0;
  const waiting: { n: number; resolve: () => void }[] = [];
  return {
    get value() {
      return value;
    },
    add(by = 1) {
      value += by;
      for (let i = waiting.length - 1; i >= 0; i--) {
        const w = waiting[i] as { n: number; resolve: () => void };
        if (value >= w.n) {
          waiting.splice(i, 1);
          w.resolve();
        }
      }
    },
    reached(n, what = `${name} to reach ${n}`, deadlineMs = SAFETY_NET_MS) {
      if (value >= n) return Promise.resolve();
      const arrived = new Promise<void>((resolve) => waiting.push({ n, resolve }));
      return withDeadline(what, arrived, deadlineMs).catch((err: unknown) => {
        throw new Error(`${(err as Error).message} (${name} is ${value})`);
      });
    },
  };
}
