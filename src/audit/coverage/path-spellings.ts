import { matchRoute } from '../../pipeline/routes.ts';
import { normalizePath } from '../../pipeline/normalize-path.ts';
import type { CompiledRoute } from '../../policy/types.ts';
import type { SpecOperation } from '../spec/operations.ts';
import { schemaTypes } from '../spec/schema-walk.ts';

/**
 * A concrete path for a spec template, "/v1/accounts/{accountId}/photo" →
 * "/v1/accounts/a1b2c3/photo", with values of each parameter's type, to run through the
 * policy's own matcher as a request would.
 */
export function samplePath(op: SpecOperation): string {
  return op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const param = op.parameters.find((p) => p.in === 'path' && p.name === name);
    const types = param === undefined ? new Set<string>() : schemaTypes(param.schema);
    if (types.has('integer') || types.has('number')) return '42';
    if (param?.schema.format === 'uuid') return '0b7e6b1c-6f0e-4c37-9d7a-2f4c1f1e2a90';
    return 'a1b2c3';
  });
}

/** The route a request for this path reaches in the gateway: normalized, then first match. */
export function routeFor(
  routes: readonly CompiledRoute[],
  method: string,
  path: string,
): CompiledRoute | undefined | 'refused' {
  const normal = normalizePath(path);
  if (normal === undefined) return 'refused';
  return matchRoute(routes, method, normal);
}

/**
 * Other spellings of the same path that many upstream servers route to the same handler
 * (Express is case-insensitive and ignores one trailing slash by default; most servers merge
 * "//" and resolve dot segments, RFC 3986 section 5.2.4; percent-decoding, RFC 3986 section
 * 2.3): each must reach the same route in the gateway, or a client slips past its limits.
 */
export function spellings(path: string): { label: string; path: string }[] {
  const segments = path.split('/').filter((s) => s !== '');
  const first = segments[0] ?? '';
  const encodedFirst =
    first === ''
      ? path
      : `/%${first.charCodeAt(0).toString(16).toUpperCase()}${first.slice(1)}/${segments.slice(1).join('/')}`;
  return [
    { label: 'trailing slash', path: `${path}/` },
    { label: 'upper case', path: path.toUpperCase() },
    { label: 'double slash', path: path.replace(/\/([^/]*)$/, '//$1') },
    { label: 'leading double slash', path: `/${path}` },
    { label: 'percent-encoded letter', path: encodedFirst.replace(/\/$/, '') },
    { label: 'dot segment', path: `/.${path}` },
    { label: 'dot-dot segment', path: `/x/..${path}` },
  ];
}

export interface SpellingSlip {
  readonly label: string;
  readonly path: string;
  /** The route the spelling reaches instead; undefined: none (passed by `unmatched: allow`). */
  readonly reaches: string | undefined;
}

/**
 * The spellings of `path` that reach another route than `routeId`, or none while unmatched
 * requests are allowed. A spelling the gateway refuses (bad percent-encoding, or no route under
 * `unmatched: deny`) slips past nothing.
 */
export function spellingSlips(
  routes: readonly CompiledRoute[],
  method: string,
  path: string,
  routeId: string,
  unmatched: 'allow' | 'deny',
): SpellingSlip[] {
  const out: SpellingSlip[] = [];
  for (const variant of spellings(path)) {
    const other = routeFor(routes, method, variant.path);
    if (other === 'refused' || other?.id === routeId) continue;
    if (other === undefined && unmatched === 'deny') continue;
    out.push({ label: variant.label, path: variant.path, reaches: other?.id });
  }
  return out;
}
