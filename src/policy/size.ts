import { describeValue, fail, ok, type FieldResult } from './values.ts';

/**
 * Sizes as written in a policy: "512b", "256kb", "1mb", "1.5 MB", or a bare integer of bytes.
 * Multiples are binary (1kb = 1024 bytes), as in Node's body parsers, so "1mb" here is the
 * same limit a user already knows from Express.
 */
const UNIT_BYTES = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 } as const;
type SizeUnit = keyof typeof UNIT_BYTES;

const SIZE_RE = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)\s*$/i;

export function parseSize(value: unknown): FieldResult<number> {
  const expected = `expected a size like "512b", "256kb" or "1mb", got ${describeValue(value)}`;
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value >= 1 ? ok(value) : fail(expected);
  }
  if (typeof value !== 'string') return fail(expected);
  const m = SIZE_RE.exec(value);
  if (!m) return fail(expected);
  const bytes = Math.floor(Number(m[1]) * UNIT_BYTES[(m[2] ?? 'b').toLowerCase() as SizeUnit]);
  if (!(bytes >= 1) || !Number.isSafeInteger(bytes)) {
    return fail(`expected a size of at least 1 byte, got ${describeValue(value)}`);
  }
  return ok(bytes);
}
