/**
 * Checks of the values the commands take on the command line. Each returns the value, or a
 * message that names the option, what it got and what it accepts, for the command to print
 * with its usage; a raw Node or pino error would name neither.
 */
export type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** pino's levels, least to most verbose; "silent" logs nothing. */
export const LOG_LEVELS = ['silent', 'fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A whole number from `min` to `max`, written in decimal digits ("8080", not "8e3" or "0x1f90"). */
export function parseWholeNumber(option: string, raw: string, min: number, max: number): Parsed<number> {
  const value = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (Number.isSafeInteger(value) && value >= min && value <= max) return { ok: true, value };
  const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`;
  return { ok: false, error: `${option} must be a whole number ${range}, got "${raw}"` };
}

/** A TCP port; 0 lets the system pick a free one. */
export function parsePort(option: string, raw: string): Parsed<number> {
  const parsed = parseWholeNumber(option, raw, 0, 65535);
  return parsed.ok ? parsed : { ok: false, error: `${parsed.error} (0 picks a free port)` };
}

export function parseLogLevel(option: string, raw: string): Parsed<LogLevel> {
  const level = LOG_LEVELS.find((l) => l === raw);
  if (level !== undefined) return { ok: true, value: level };
  return { ok: false, error: `${option} must be one of ${LOG_LEVELS.join(', ')}; got "${raw}"` };
}
