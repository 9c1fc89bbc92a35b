import { describeValue, fail, ok, type FieldResult } from './values.ts';

/**
 * Route path patterns: literal segments, ":name" for exactly one segment, and a trailing
 * "/*" for any rest (including none). "/v1/accounts/:id/photo", "/static/*", "/".
 *
 * Matching leans towards matching more, never less, because a request that slips past its
 * route also slips past that route's limits:
 * - literals compare case-insensitively (Express and many upstreams route "/V1/X" to "/v1/x");
 * - one trailing slash is ignored ("/healthz/" is "/healthz"), as in Express's non-strict routing.
 * The pattern is compiled once into a string comparison or one anchored RegExp.
 */
export type PathMatcher = (path: string) => boolean;

const PARAM_RE = /^:[A-Za-z_][A-Za-z0-9_]*$/;
// RFC 3986 pchar, without "%" escapes being special: anything but "/", "?", "#", spaces and controls.
const LITERAL_RE = /^[^/?#\s*:]+$/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function compilePathPattern(pattern: unknown): FieldResult<PathMatcher> {
  if (typeof pattern !== 'string' || !pattern.startsWith('/')) {
    return fail(`expected a path pattern starting with "/", got ${describeValue(pattern)}`);
  }
  if (pattern === '/') return ok((path) => path === '/');
  const segments = pattern.slice(1).split('/');
  let source = '^';
  let literal = true;
  for (const [i, seg] of segments.entries()) {
    const last = i === segments.length - 1;
    if (seg === '*' && last) {
      // "/static/*" also matches "/static": the rest may be empty.
      source += '(?:/.*)?';
      literal = false;
    } else if (seg.startsWith(':')) {
      if (!PARAM_RE.test(seg)) {
        return fail(
          `invalid parameter segment ${JSON.stringify(seg)} in ${JSON.stringify(pattern)}: expected ":name"`,
        );
      }
      source += '/[^/]+';
      literal = false;
    } else if (seg === '' && last) {
      // A trailing slash in the pattern is the same as none.
    } else if (LITERAL_RE.test(seg)) {
      source += `/${escapeRegExp(seg)}`;
    } else {
      return fail(
        `invalid segment ${JSON.stringify(seg)} in ${JSON.stringify(pattern)}: ` +
          'expected literal text, ":name" or a trailing "*"',
      );
    }
  }
  if (literal) {
    const exact = ('/' + segments.filter((s) => s !== '').join('/')).toLowerCase();
    const withSlash = `${exact}/`;
    return ok((path) => {
      if (path.length !== exact.length && path.length !== withSlash.length) return false;
      const lower = path.toLowerCase();
      return lower === exact || lower === withSlash;
    });
  }
  const re = new RegExp(source.endsWith(')?') ? `${source}$` : `${source}/?$`, 'i');
  return ok((path) => re.test(path));
}
