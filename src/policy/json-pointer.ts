import { describeValue, fail, ok, type FieldResult } from './values.ts';

/**
 * JSON pointers (RFC 6901) naming an array in a request body, e.g. "/numbers" or
 * "/query/phones". The whole-document pointer "" is refused: a batch or a cost always
 * names a member. "~" must be escaped as "~0" and "/" inside a name as "~1" (RFC 6901 §3).
 */
export function parseJsonPointer(value: unknown): FieldResult<string> {
  if (typeof value !== 'string' || !value.startsWith('/')) {
    return fail(`expected a JSON pointer like "/numbers" (RFC 6901), got ${describeValue(value)}`);
  }
  if (/~(?![01])/.test(value)) {
    return fail(
      `invalid JSON pointer ${JSON.stringify(value)}: "~" must be followed by "0" or "1" (RFC 6901)`,
    );
  }
  return ok(value);
}

/** The reference tokens of a valid pointer, unescaped: "/a~1b/0" → ["a/b", "0"]. */
export function pointerTokens(pointer: string): string[] {
  // RFC 6901 §4: "~1" first, then "~0", so "~01" becomes "~1" and not "/".
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
}
