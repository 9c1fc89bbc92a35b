import type { Clock } from '../core/clock.ts';
import { ALLOW_UNLIMITED, decisionFromBatch, denyDecision } from '../core/decide.ts';
import type { Decision } from '../core/decision.ts';
import { formatDuration } from '../core/duration.ts';
import type { BatchOutcome, LimitCheck } from '../core/limit.ts';
import { createClientAddress } from '../identity/client-address.ts';
import { createIdentifier } from '../identity/identify.ts';
import type { CompiledLimit, CompiledPolicy, CompiledRoute } from '../policy/types.ts';
import type { Store } from '../stores/store.ts';
import { resolvePointer } from './json-pointer.ts';
import { limitKey } from './limit-keys.ts';
import { problemResponse } from './problem.ts';
import { rateLimitHeaders, retryAfterSeconds } from './rate-limit-headers.ts';
import { normalizePath } from './normalize-path.ts';
import { matchRoute } from './routes.ts';
import { normalizeTargets } from './targets.ts';
import type { Admission, Caller, PlainRequest, PlainResponse } from './types.ts';

/** The minimal logger the pipeline needs; pino's logger fits it. */
export interface PipelineLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface PipelineOptions {
  readonly policy: CompiledPolicy;
  readonly store: Store;
  readonly clock: Clock;
  readonly logger?: PipelineLogger;
  /** Called (at most once) when a peer that is not a trusted proxy sends forwarding headers. */
  readonly onUntrustedForwarded?: (info: { readonly peer: string; readonly header: string }) => void;
}

export type Upstream = (req: PlainRequest) => Promise<PlainResponse>;

export interface Pipeline {
  readonly policy: () => CompiledPolicy;
  /** Swaps in a new policy (hot reload). Store state is kept. */
  setPolicy(policy: CompiledPolicy): void;
  matchRoute(method: string, path: string): CompiledRoute | undefined;
  /** identify → match → decide. Never throws for bad input; the answer says what to send. */
  admit(req: PlainRequest): Promise<Admission>;
  /** admit, then forward to `upstream` and add the rate-limit headers: the simulator's path. */
  handle(req: PlainRequest, upstream: Upstream): Promise<PlainResponse>;
}

/**
 * The transport-free heart shared by the gateway, the adapters and the simulator:
 * identify the caller, match the route, check scopes and the batch cap, then ask the store
 * once for every limit the request touches.
 */
export function createPipeline(options: PipelineOptions): Pipeline {
  const { store, clock, logger } = options;
  let policy = options.policy;
  let identifier = createIdentifier(policy.identities, clock);
  let clientAddress = createClientAddress(clientOptions(policy));

  function clientOptions(p: CompiledPolicy) {
    const base = { trustedProxies: p.server.trustedProxies, forwardedHeader: p.server.forwardedHeader };
    return options.onUntrustedForwarded
      ? { ...base, onUntrustedForwarded: options.onUntrustedForwarded }
      : base;
  }

  function deny(
    route: CompiledRoute | undefined,
    caller: Caller | undefined,
    decision: Decision,
    response: PlainResponse,
  ): Admission {
    return { allowed: false, route, caller, decision, response };
  }

  async function admit(req: PlainRequest): Promise<Admission> {
    const q = req.url.indexOf('?');
    const path = normalizePath(q === -1 ? req.url : req.url.slice(0, q));
    const client = clientAddress.resolve(req.remoteAddress, req.headers);
    if (path === undefined) {
      const detail = 'the request path has malformed percent-encoding';
      const caller: Caller = { ip: client.ip, identity: undefined };
      return deny(
        undefined,
        caller,
        denyDecision('bad-request', detail),
        problemResponse('bad-request', detail),
      );
    }
    const route = matchRoute(policy.routes, req.method, path);

    if (route === undefined) {
      const caller: Caller = { ip: client.ip, identity: undefined };
      if (policy.unmatched === 'allow')
        return { allowed: true, route, caller, decision: ALLOW_UNLIMITED, headers: {} };
      const detail = `no route allows ${req.method} ${path}`;
      return deny(route, caller, denyDecision('no-route', detail), problemResponse('no-route', detail));
    }

    let caller: Caller = { ip: client.ip, identity: undefined };
    if (route.auth !== 'none') {
      const pending = identifier.identify(req.headers);
      const who = pending instanceof Promise ? await pending : pending;
      if (who.kind === 'invalid') {
        return deny(route, caller, denyDecision('unauthenticated', who.detail), unauthorized(who.detail));
      }
      if (who.kind === 'identified') caller = { ip: client.ip, identity: who.identity };
      else if (route.auth === 'required') {
        const detail = `route ${route.id} requires credentials`;
        return deny(route, caller, denyDecision('unauthenticated', detail), unauthorized(detail));
      }
    }

    const missing = missingScopes(route.scopes, caller);
    if (missing.length > 0) {
      const detail = `route ${route.id} requires scope ${missing.join(', ')}`;
      return deny(route, caller, denyDecision('forbidden', detail), problemResponse('forbidden', detail));
    }

    if (route.batch) {
      const items = resolvePointer(req.body, route.batch.pointer);
      if (items !== undefined && !Array.isArray(items)) {
        const detail = `expected an array at ${route.batch.pointer}`;
        return deny(
          route,
          caller,
          denyDecision('bad-request', detail),
          problemResponse('bad-request', detail),
        );
      }
      if (items !== undefined && items.length > route.batch.max) {
        const detail = `${items.length} items at ${route.batch.pointer}; at most ${route.batch.max} are allowed per request`;
        return deny(
          route,
          caller,
          denyDecision('batch-too-large', detail),
          problemResponse('batch-too-large', detail, { status: route.batch.status }),
        );
      }
    }

    if (route.limits.length === 0)
      return { allowed: true, route, caller, decision: ALLOW_UNLIMITED, headers: {} };

    const checks: LimitCheck[] = route.limits.map((limit) =>
      limit.distinct
        ? distinctCheck(limit, limit.distinct.pointer, limitKey(limit, caller, req.headers), req.body)
        : {
            spec: limit.spec,
            key: limitKey(limit, caller, req.headers),
            cost: limit.cost.kind === 'fixed' ? limit.cost.units : arrayCost(req.body, limit.cost.pointer),
          },
    );

    let batch: BatchOutcome;
    try {
      const answer = store.consume(checks);
      // The memory store answers synchronously: skip the microtask an await would cost.
      batch = answer instanceof Promise ? await answer : answer;
    } catch (err) {
      logger?.error({ err, route: route.id, store: store.name }, 'store unavailable; denying');
      const detail = 'the rate-limit store is unavailable; try again shortly';
      return deny(
        route,
        caller,
        denyDecision('store-unavailable', detail),
        problemResponse('store-unavailable', detail),
      );
    }

    const decision = decisionFromBatch(batch);
    const headers = route.rateLimitHeaders ? rateLimitHeaders(batch.outcomes) : {};
    if (decision.action === 'allow') return { allowed: true, route, caller, decision, headers };

    // Routes with rate-limit headers off are enumeration-sensitive: say nothing about capacity.
    const detail =
      route.rateLimitHeaders && decision.policy
        ? `limit ${decision.policy.id} allows ${decision.policy.limit} per ${formatDuration(decision.policy.windowMs)}`
        : 'too many requests; retry later';
    const response = problemResponse('quota-exceeded', detail, {
      headers: { ...headers, 'retry-after': retryAfterSeconds(decision.retryAfterMs) },
      // The policy's name tells the caller which limit to respect; it reveals no capacity.
      extensions: route.rateLimitHeaders && decision.policy ? { policy: decision.policy.id } : {},
    });
    return deny(route, caller, decision, response);
  }

  function unauthorized(detail: string): PlainResponse {
    // RFC 9110 section 15.5.2: a 401 carries a challenge for each accepted scheme.
    const schemes: string[] = [];
    if (policy.identities.jwt) schemes.push('Bearer realm="enumguard"');
    if (policy.identities.apiKeys) schemes.push('ApiKey realm="enumguard"');
    const headers: Record<string, string> =
      schemes.length > 0 ? { 'www-authenticate': schemes.join(', ') } : {};
    return problemResponse('unauthenticated', detail, { headers });
  }

  return {
    policy: () => policy,
    setPolicy(next) {
      identifier = createIdentifier(next.identities, clock);
      clientAddress = createClientAddress(clientOptions(next));
      policy = next;
    },
    matchRoute(method, path) {
      const normal = normalizePath(path);
      return normal === undefined ? undefined : matchRoute(policy.routes, method, normal);
    },
    admit,
    async handle(req, upstream) {
      const verdict = await admit(req);
      if (!verdict.allowed) return verdict.response;
      const res = await upstream(req);
      const headers = { ...res.headers, ...verdict.headers };
      // Read `body` lazily: an in-process consumer may only want `json`.
      return {
        status: res.status,
        headers,
        json: res.json,
        get body() {
          return res.body;
        },
      };
    },
  };
}

const NONE_MISSING: readonly string[] = [];

function missingScopes(scopes: readonly string[], caller: Caller): readonly string[] {
  if (scopes.length === 0) return NONE_MISSING;
  const held = caller.identity?.scopes;
  let missing: string[] | undefined;
  for (const scope of scopes) {
    if (held?.has(scope)) continue;
    (missing ??= []).push(scope);
  }
  return missing ?? NONE_MISSING;
}

/**
 * A distinct limit's check: the store charges only targets this key never queried. The cost
 * carried is the whole list, so a store that knew nothing of targets would charge more,
 * never less.
 */
function distinctCheck(limit: CompiledLimit, pointer: string, key: string, body: unknown): LimitCheck {
  const targets = normalizeTargets(resolvePointer(body, pointer));
  return { spec: limit.spec, key, cost: targets.length, targets };
}

/** A body-array cost is the array's length, at least 1: an empty lookup still costs a request. */
function arrayCost(body: unknown, pointer: string): number {
  const items = resolvePointer(body, pointer);
  return Array.isArray(items) ? Math.max(1, items.length) : 1;
}
