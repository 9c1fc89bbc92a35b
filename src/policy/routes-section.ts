import type { Environment } from './detect-section.ts';
import type { RawIssue } from './issues.ts';
import { limitKeyText } from './limit-key.ts';
import { buildRouteRisk } from './route-risk.ts';
import type { PolicyDocument, RouteDocument } from './schema.ts';
import type { ApiKeysConfig, CompiledLimit, CompiledRoute, JwtConfig } from './types.ts';
import type { PathSegment } from './values.ts';

/**
 * The policy's `routes:` compiled: each route's match, auth and scopes, its limits as engine
 * specs, its risk wiring (route-risk.ts), and whether it needs the body read (the accounts
 * section's registration route always does). The checks that tie a route to the identities and
 * risk sections are made here; those that tie routes to the contacts section (reveal, key
 * "account") are compile.ts's, which sees every section.
 */

interface Identities {
  readonly apiKeys: ApiKeysConfig | undefined;
  readonly jwt: JwtConfig | undefined;
  /** jwt is configured, even if its key failed to resolve (that failure is reported once, there). */
  readonly hasJwtConfig: boolean;
}

export interface RouteContext extends Identities {
  readonly hasRisk: boolean;
  readonly env: Environment;
}

/** Every route, in order; a route id used twice is reported at its second use. */
export function buildRoutes(doc: PolicyDocument, ctx: RouteContext, issues: RawIssue[]): CompiledRoute[] {
  const seen = new Map<string, number>();
  const registerRoute = doc.accounts?.register?.route;
  return doc.routes.map((route, i) => {
    const first = seen.get(route.id);
    if (first === undefined) seen.set(route.id, i);
    else
      issues.push({
        path: ['routes', i, 'id'],
        message: `duplicate route id "${route.id}", also used by routes[${first}]`,
      });
    const built = buildRoute(route, ['routes', i], ctx, issues);
    // The registration exchange is read for the number it registers.
    return route.id === registerRoute ? { ...built, needsBody: true } : built;
  });
}

function buildRoute(
  route: RouteDocument,
  at: readonly PathSegment[],
  ids: RouteContext,
  issues: RawIssue[],
): CompiledRoute {
  const hasIdentities = ids.apiKeys !== undefined || ids.hasJwtConfig;
  if (route.auth !== 'none' && !hasIdentities) {
    issues.push({
      path: [...at, 'auth'],
      message: `auth "${route.auth}" needs identities.apiKeys or identities.jwt (or set auth: none)`,
    });
  }
  if (route.auth === 'none' && route.scopes.length > 0) {
    issues.push({
      path: [...at, 'scopes'],
      message: 'scopes need an identity, but the route has auth "none"',
    });
  }
  const seen = new Map<string, number>();
  const limits = route.limits.map((limit, j): CompiledLimit => {
    const limitAt = [...at, 'limits', j];
    const keyText = limitKeyText(limit.key.raw, limit.key.key);
    const id = limit.id ?? keyText;
    const first = seen.get(id);
    if (first === undefined) seen.set(id, j);
    else {
      issues.push({
        path: limit.id === undefined ? [...limitAt, 'key'] : [...limitAt, 'id'],
        message:
          `duplicate limit id "${id}"${limit.id === undefined ? ' (from the key)' : ''}, also used by limits[${first}]` +
          (limit.id === undefined ? '; give each limit an id' : ''),
      });
    }
    const { kind } = limit.key.key;
    if ((kind === 'identity' || kind === 'claim') && route.auth === 'none') {
      issues.push({
        path: [...limitAt, 'key'],
        message: `key "${keyText}" needs an identity, but the route has auth "none"`,
      });
    } else if (kind === 'claim' && !ids.hasJwtConfig) {
      issues.push({ path: [...limitAt, 'key'], message: `key "${keyText}" needs identities.jwt` });
    }
    if (limit.distinct !== undefined && limit.cost !== undefined) {
      issues.push({
        path: [...limitAt, 'distinct'],
        message:
          'distinct and cost are mutually exclusive: a distinct limit costs the targets at its pointer never queried before; remove cost',
      });
    }
    if (limit.ramp !== undefined && !ids.hasRisk) {
      issues.push({
        path: [...limitAt, 'ramp'],
        message:
          "ramp needs a risk section: an identity's age is counted from when risk.identity was first seen",
      });
    }
    const ramp = limit.ramp === undefined ? {} : { ramp: { from: limit.ramp.from, overMs: limit.ramp.over } };
    const spec = {
      id: `${route.id}/${id}`,
      algorithm: limit.algorithm,
      limit: limit.rate.limit,
      windowMs: limit.rate.windowMs,
      burst: limit.burst ?? limit.rate.limit,
    };
    if (limit.distinct !== undefined) {
      const pointer = limit.distinct;
      return {
        spec,
        key: limit.key.key,
        cost: { kind: 'body-array', pointer },
        distinct: { pointer },
        ...ramp,
      };
    }
    return { spec, key: limit.key.key, cost: limit.cost ?? { kind: 'fixed', units: 1 }, ...ramp };
  });
  const { targets, detect, egress } = buildRouteRisk(route, at, limits, ids, issues);
  return {
    id: route.id,
    methods: route.match.method,
    path: route.match.path.pattern,
    matchPath: route.match.path.matchPath,
    auth: route.auth,
    scopes: route.scopes,
    rateLimitHeaders: route.rateLimitHeaders,
    storeUnavailable: route.storeUnavailable,
    batch: route.batch,
    limits,
    targets,
    detect,
    egress,
    reveal:
      route.reveal === undefined ? undefined : { records: route.reveal.records, member: route.reveal.number },
    // Detectors read the targets from the parsed body.
    needsBody:
      route.batch !== undefined ||
      limits.some((l) => l.cost.kind === 'body-array') ||
      detect !== undefined ||
      targets !== undefined ||
      route.reveal !== undefined,
  };
}
