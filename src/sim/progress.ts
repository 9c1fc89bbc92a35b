/**
 * The progress line `enumguard simulate` keeps on stderr while a run goes: how far through the
 * scenario's virtual time, how much traffic, how much the attackers have harvested so far, and
 * how long it has taken. On a terminal one line is rewritten in place; in a log (CI, a pipe)
 * a plain line is printed now and then, so the log stays readable.
 */
export interface ProgressState {
  readonly policy: string;
  readonly virtualMs: number;
  readonly durationMs: number;
  readonly requests: number;
  /** Distinct accounts revealed to attackers so far. */
  readonly revealed: number;
  readonly wallMs: number;
}

const DAY_MS = 86_400_000;
const int = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Virtual time in days for long scenarios ("day 3.25 of 30"), else in seconds. */
function when(virtualMs: number, durationMs: number): string {
  if (durationMs >= DAY_MS) return `day ${(virtualMs / DAY_MS).toFixed(2)} of ${int(durationMs / DAY_MS)}`;
  return `${int(virtualMs / 1000)} s of ${int(durationMs / 1000)} s`;
}

/** One line, no line break: `none [#####-----] 50% day 15.00 of 30, 1,234 requests, 56 harvested, 12 s`. */
export function progressLine(s: ProgressState, barWidth = 20): string {
  const done = s.durationMs > 0 ? Math.min(1, Math.max(0, s.virtualMs / s.durationMs)) : 1;
  const filled = Math.round(done * barWidth);
  const bar = `${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}`;
  return (
    `${s.policy} [${bar}] ${String(Math.floor(done * 100)).padStart(3)}% ${when(s.virtualMs, s.durationMs)}, ` +
    `${int(s.requests)} requests, ${int(s.revealed)} harvested, ${int(s.wallMs / 1000)} s`
  );
}

export interface ProgressOptions {
  /** Raw text to stderr (the caller adds nothing: no line break). */
  readonly write: (text: string) => void;
  /** A terminal: rewrite one line with "\r". Otherwise print whole lines. */
  readonly tty: boolean;
  /** Wall-clock ms (performance.now in the CLI; a counter in tests). */
  readonly now: () => number;
  /** Least time between updates: 100 ms on a terminal (10 a second), 5 s in a log. */
  readonly everyMs?: number;
}

export interface ProgressDisplay {
  /** The run under way, or the runs under way side by side (a compare on several threads). */
  update(state: ProgressState | readonly ProgressState[]): void;
  /** Shows the final state and ends the line. */
  done(state: ProgressState): void;
}

export function createProgress(options: ProgressOptions): ProgressDisplay {
  const everyMs = options.everyMs ?? (options.tty ? 100 : 5000);
  let last = -Infinity;
  const show = (state: ProgressState | readonly ProgressState[], final: boolean): void => {
    const line = Array.isArray(state)
      ? (state as readonly ProgressState[]).map((s) => progressLine(s, 10)).join(' | ')
      : progressLine(state as ProgressState);
    // "\x1b[K" clears what a longer previous line left to the right of the cursor.
    if (options.tty) options.write(`\r${line}\x1b[K${final ? '\n' : ''}`);
    else options.write(`${line}\n`);
  };
  return {
    update(state) {
      const t = options.now();
      if (t - last < everyMs) return;
      last = t;
      show(state, false);
    },
    done(state) {
      show(state, true);
      last = -Infinity;
    },
  };
}
