/**
 * Small shared vocabulary of the policy validator: field parse results that may point
 * below the field (so a message can name `key.ip.v4`, not just `key`), and how a value
 * a user wrote is shown back to them in a message.
 */
export type PathSegment = string | number;

export type FieldResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: string; readonly path?: readonly PathSegment[] };

export function ok<T>(value: T): FieldResult<T> {
  return { ok: true, value };
}

export function fail<T = never>(error: string, path?: readonly PathSegment[]): FieldResult<T> {
  return path === undefined ? { ok: false, error } : { ok: false, error, path };
}

/** A value as the user wrote it: strings quoted, collections by kind, so a message reads "got 10" or "got a list". */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return typeof value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A positive safe integer: counts, caps, costs and bursts. */
export function parsePositiveInt(value: unknown): FieldResult<number> {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 1) return ok(value);
  return fail(`expected a positive integer, got ${describeValue(value)}`);
}

/** `a.b[2].c`, the form messages use. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}
