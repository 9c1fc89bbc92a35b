/**
 * Durations and rates as people write them in a policy file: "10 s", "1h", "250ms",
 * "1.5m", and rates "1000/1d", "20/m", "5 / 10s".
 *
 * Parsers return a number or an error message (never throw), so the policy validator can
 * attach the file, line and path to the message.
 */
const UNIT_MS = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
} as const;
type Unit = keyof typeof UNIT_MS;

const DURATION_RE = /^\s*(\d+(?:\.\d+)?)?\s*(ms|s|m|h|d|w)\s*$/;
const RATE_RE = /^\s*(\d+)\s*\/\s*(.+)$/;

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** Milliseconds in a duration like "10 s" or "1h". A bare unit ("h") means one of it. */
export function parseDuration(text: string): Parsed<number> {
  const m = DURATION_RE.exec(text);
  if (!m)
    return { ok: false, error: `expected a duration like "10s", "5 m" or "1h", got ${JSON.stringify(text)}` };
  const amount = m[1] === undefined ? 1 : Number(m[1]);
  const ms = amount * UNIT_MS[m[2] as Unit];
  if (!(ms > 0) || !Number.isFinite(ms)) {
    return { ok: false, error: `expected a positive duration, got ${JSON.stringify(text)}` };
  }
  return { ok: true, value: ms };
}

export interface Rate {
  /** Units allowed per window. */
  readonly limit: number;
  readonly windowMs: number;
}

/** A rate like "1000/1h", "20/m" or "5 / 10 s". */
export function parseRate(text: string): Parsed<Rate> {
  const m = RATE_RE.exec(text);
  const bad = {
    ok: false as const,
    error: `expected "<n>/<duration>" like "1000/1h", got ${JSON.stringify(text)}`,
  };
  if (!m) return bad;
  const limit = Number(m[1]);
  const window = parseDuration(m[2] ?? '');
  if (!window.ok) return bad;
  if (!Number.isSafeInteger(limit) || limit < 1) {
    return { ok: false, error: `expected a rate of at least 1 per window, got ${JSON.stringify(text)}` };
  }
  return { ok: true, value: { limit, windowMs: window.value } };
}

/** Formats milliseconds back into the shortest exact unit, for messages ("90000" → "90s"). */
export function formatDuration(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    const n = ms / UNIT_MS[unit];
    if (Number.isInteger(n) && n >= 1) return `${n}${unit}`;
  }
  return `${ms}ms`;
}
