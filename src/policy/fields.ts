import { isIP } from 'node:net';
import * as z from 'zod';
import { parseDuration, parseRate, type Parsed, type Rate } from '../core/duration.ts';
import type { JwtAlgorithm, LimitCost } from './types.ts';
import { parseJsonPointer } from './json-pointer.ts';
import { describeValue, fail, ok, parsePositiveInt, type FieldResult } from './values.ts';

/**
 * Scalar fields of the policy schema: each one a zod schema around a parser that returns
 * a value or a message (never throws), so every message names the field it came from.
 */
export function field<T>(parse: (value: unknown) => FieldResult<T>) {
  return z.unknown().transform((value, ctx): T => {
    const r = value === undefined ? fail<T>('is required') : parse(value);
    if (r.ok) return r.value;
    ctx.addIssue({ code: 'custom', message: r.error, ...(r.path ? { path: [...r.path] } : {}) });
    return z.NEVER;
  });
}

/** A key that must not be there, with a message saying what to write instead. */
export function forbidden(message: string) {
  return z
    .unknown()
    .optional()
    .transform((value, ctx): undefined => {
      if (value !== undefined) ctx.addIssue({ code: 'custom', message });
      return undefined;
    });
}

function fromParsed<T>(p: Parsed<T>): FieldResult<T> {
  return p.ok ? ok(p.value) : fail(p.error);
}

export const durationField = field((v) =>
  typeof v === 'string'
    ? fromParsed(parseDuration(v))
    : fail<number>(`expected a duration like "10s", "5 m" or "1h", got ${describeValue(v)}`),
);

export const rateField = field<Rate>((v) =>
  typeof v === 'string'
    ? fromParsed(parseRate(v))
    : fail(`expected "<n>/<duration>" like "1000/1h", got ${describeValue(v)}`),
);

export const positiveIntField = field(parsePositiveInt);

export const pointerField = field(parseJsonPointer);

export function parseCost(v: unknown): FieldResult<LimitCost> {
  if (typeof v === 'string' && v.startsWith('/')) {
    const p = parseJsonPointer(v);
    return p.ok ? ok({ kind: 'body-array', pointer: p.value }) : fail(p.error);
  }
  const n = parsePositiveInt(v);
  if (n.ok) return ok({ kind: 'fixed', units: n.value });
  return fail(
    `expected a positive integer or a JSON pointer like "/numbers" (RFC 6901), got ${describeValue(v)}`,
  );
}

// Route and limit ids end up in headers, logs and store keys.
const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
export const idField = field((v) =>
  typeof v === 'string' && ID_RE.test(v)
    ? ok(v)
    : fail<string>(
        `expected an id of letters, digits, "-", "_" or "." like "per-ip", got ${describeValue(v)}`,
      ),
);

export const textField = field((v) =>
  typeof v === 'string' && v !== ''
    ? ok(v)
    : fail<string>(`expected a non-empty string, got ${describeValue(v)}`),
);

// Scopes are matched against a space-separated claim (RFC 8693 §4.2), so a scope has no spaces.
export const scopeField = field((v) =>
  typeof v === 'string' && /^\S+$/.test(v)
    ? ok(v)
    : fail<string>(`expected a scope without spaces like "contacts:discover", got ${describeValue(v)}`),
);

// RFC 9110 §5.6.2 token: header field names and method names.
const TOKEN_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
export const headerNameField = field((v) =>
  typeof v === 'string' && TOKEN_RE.test(v)
    ? ok(v.toLowerCase())
    : fail<string>(`expected a header name like "x-api-key", got ${describeValue(v)}`),
);

/** "GET", ["GET", "HEAD"] or "*": upper-cased methods, or "*" for any. */
export function parseMethods(v: unknown): FieldResult<readonly string[] | '*'> {
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || list.length === 0) {
    return fail(`expected a method like "GET", a list of methods or "*", got ${describeValue(v)}`);
  }
  const methods: string[] = [];
  for (const [i, m] of list.entries()) {
    if (m === '*') return ok('*');
    if (typeof m !== 'string' || !TOKEN_RE.test(m)) {
      return fail(`expected a method like "GET", got ${describeValue(m)}`, typeof v === 'string' ? [] : [i]);
    }
    const upper = m.toUpperCase();
    if (!methods.includes(upper)) methods.push(upper);
  }
  return ok(methods);
}

/** A trusted proxy as a CIDR ("10.0.0.0/8", "::1/128"); a bare address becomes a /32 or /128. */
export function parseCidr(v: unknown): FieldResult<string> {
  const bad = fail<string>(
    `expected an IP address or CIDR like "10.0.0.0/8" or "::1/128", got ${describeValue(v)}`,
  );
  if (typeof v !== 'string') return bad;
  const slash = v.indexOf('/');
  const address = slash === -1 ? v : v.slice(0, slash);
  const family = isIP(address);
  if (family === 0) return bad;
  const max = family === 4 ? 32 : 128;
  if (slash === -1) return ok(`${address}/${max}`);
  const prefixText = v.slice(slash + 1);
  const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= max)) {
    return fail(`expected an IPv${family} prefix length 0-${max} in ${JSON.stringify(v)}`);
  }
  return ok(`${address}/${prefix}`);
}

const SHA256_RE = /^[0-9a-f]{64}$/;
/** Never echoes the value: a cleartext key pasted here by mistake must not reach the logs. */
export const sha256Field = field((v) =>
  typeof v === 'string' && SHA256_RE.test(v)
    ? ok(v)
    : fail<string>(
        'expected 64 lower-case hex digits, the SHA-256 of the key (echo -n KEY | sha256sum), got ' +
          (typeof v === 'string' ? `${v.length} characters` : describeValue(v)),
      ),
);

export const JWT_ALGORITHMS = [
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
] as const satisfies readonly JwtAlgorithm[];

export const jwtAlgorithmField = field((v): FieldResult<JwtAlgorithm> => {
  if (typeof v === 'string' && v.toLowerCase() === 'none') {
    // RFC 8725 §3.1: accepting "none" lets any caller mint a token for any identity.
    return fail(
      'alg "none" is refused: unsigned tokens would let any caller choose its identity (RFC 8725 §3.1)',
    );
  }
  if (typeof v === 'string' && (JWT_ALGORITHMS as readonly string[]).includes(v))
    return ok(v as JwtAlgorithm);
  return fail(`expected one of ${JWT_ALGORITHMS.join(', ')}, got ${describeValue(v)}`);
});

/**
 * A finite number inside bounds; each bound is open or closed, and the message says which:
 * "expected a number greater than 0 and at most 1, got 0".
 */
export function numberField(bounds: {
  readonly above?: number;
  readonly min?: number;
  readonly below?: number;
  readonly max?: number;
}) {
  const { above, min, below, max } = bounds;
  const parts: string[] = [];
  if (min !== undefined && max !== undefined) parts.push(`from ${min} to ${max}`);
  else {
    if (above !== undefined) parts.push(`greater than ${above}`);
    if (min !== undefined) parts.push(`at least ${min}`);
    if (below !== undefined) parts.push(`less than ${below}`);
    if (max !== undefined) parts.push(`at most ${max}`);
  }
  const expected = `expected a number ${parts.join(' and ')}`;
  return field((v) =>
    typeof v === 'number' &&
    Number.isFinite(v) &&
    (above === undefined || v > above) &&
    (min === undefined || v >= min) &&
    (below === undefined || v < below) &&
    (max === undefined || v <= max)
      ? ok(v)
      : fail<number>(`${expected}, got ${describeValue(v)}`),
  );
}

/** An integer from min to max inclusive: digits, prefix lengths. */
export function intField(min: number, max: number, expected = `an integer from ${min} to ${max}`) {
  return field((v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
      ? ok(v)
      : fail<number>(`expected ${expected}, got ${describeValue(v)}`),
  );
}

/** A detector's weight: what one signal adds to a risk score. */
export const weightField = numberField({ above: 0 });
