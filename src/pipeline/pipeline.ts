import type { Clock } from '../core/clock.ts';
import { ALLOW_UNLIMITED, decisionFromBatch, denyDecision } from '../core/decide.ts';
import type { Decision } from '../core/decision.ts';
import { formatDuration } from '../core/duration.ts';
import type { LimitCheck } from '../core/limit.ts';
import { randomInt } from 'node:crypto';
import { createClientAddress } from '../identity/client-address.ts';
import { createIdentifier } from '../identity/identify.ts';
import type { CompiledPolicy, CompiledRoute } from '../policy/types.ts';
import type { RiskedOutcome, Store } from '../stores/store.ts';
import { filterValue } from '../egress/egress-value.ts';
import { isJson } from './json-content-type.ts';
import { createResponsePlan, routeEgressConfigs, type RouteEgressConfigs } from './response-plan.ts';
import { createRouteDetectors, type RouteDetectorSet } from './detectors.ts';
import { resolvePointer } from './json-pointer.ts';
import { limitKey } from './limit-keys.ts';
import { createRiskGate, type RiskEvent, type RiskGate } from './risk-gate.ts';
import { problemResponse } from './problem.ts';
import { rateLimitHeaders, retryAfterSeconds } from './rate-limit-headers.ts';
import { normalizePath } from './normalize-path.ts';
import { matchRoute } from './routes.ts';
import { normalizeTargets } from './targets.ts';
import type { Admission, Caller, PlainRequest, PlainResponse, ResponsePlan } from './types.ts';

/** The minimal logger the pipeline needs; pino's logger fits it. */
/** The pipeline logs a request it denies because the store is unavailable at most this often. */
const STORE_DENY_LOG_MS = 10_000;

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
  /** Every detector finding once it reached the store (log `identityTag`, never `identityKey`). */
  readonly onRisk?: (event: RiskEvent) => void;
  /**
   * Seed of the range-density detector's block hash. A gateway takes it from a random source
   * (a caller who knew it could pick colliding blocks); a simulation fixes it to repeat.
   */
  readonly seed?: number;
}

export type Upstream = (req: PlainRequest) => Promise<PlainResponse>;

export interface Pipeline {
  readonly policy: () => CompiledPolicy;
  /** Swaps in a new policy (hot reload). Store state is kept. */
  setPolicy(policy: CompiledPolicy): void;
  matchRoute(method: string, path: string): CompiledRoute | undefined;
  /** identify → match → decide. Never throws for bad input; the answer says what to send. */
  admit(req: PlainRequest): Promise<Admission>;
  /**
   * An allowed request's answer, held as a JSON value (`json`, else `body` parsed): runs the
   * plan's egress filter and settle, and returns what to send. The simulator's and the
   * adapters' path; the gateway streams the same plan (src/gateway).
   */
  respond(plan: ResponsePlan, res: PlainResponse): Promise<PlainResponse>;
  /** admit, then forward to `upstream`, add the rate-limit headers and honour the plan: the simulator's path. */
  handle(req: PlainRequest, upstream: Upstream): Promise<PlainResponse>;
}

/**
 * The transport-free heart shared by the gateway, the adapters and the simulator:
 * identify the caller, match the route, check scopes and the batch cap, then ask the store
 * once for every limit the request touches.
 */
export function createPipeline(options: PipelineOptions): Pipeline {
  const { store, clock, logger } = options;
  let lastStoreDenyLog = -Infinity;
  let storeDenials = 0;
  let policy = options.policy;
  let identifier = createIdentifier(policy.identities, clock);
  let clientAddress = createClientAddress(clientOptions(policy));
  const seed = options.seed ?? randomInt(2 ** 31);
  let defenses = buildDefenses(policy, seed);

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

    const { gate } = defenses;
    const lookup = gate?.lookupFor(caller, req.headers);
    const planned = route.detect !== undefined || route.egress !== undefined;
    if (route.limits.length === 0 && lookup === undefined && !planned)
      return { allowed: true, route, caller, decision: ALLOW_UNLIMITED, headers: {} };

    // Targets are normalized once and shared by the distinct limits and the detectors.
    // Routes name one targets pointer in practice: remember the last one, no map per request.
    let lastPointer: string | undefined;
    let lastTargets: string[] = [];
    const targetsOf = (pointer: string): string[] => {
      if (pointer !== lastPointer) {
        lastTargets = normalizeTargets(resolvePointer(req.body, pointer));
        lastPointer = pointer;
      }
      return lastTargets;
    };
    const checks: LimitCheck[] = route.limits.map((limit) => {
      const key = limitKey(limit, caller, req.headers);
      const check: LimitCheck = limit.distinct
        ? (() => {
            const targets = targetsOf(limit.distinct.pointer);
            return { spec: limit.spec, key, cost: targets.length, targets };
          })()
        : {
            spec: limit.spec,
            key,
            cost: limit.cost.kind === 'fixed' ? limit.cost.units : arrayCost(req.body, limit.cost.pointer),
          };
      return limit.ramp ? { ...check, ramp: limit.ramp } : check;
    });

    let batch: RiskedOutcome;
    try {
      const answer = store.consume(checks, lookup, { unavailable: route.storeUnavailable });
      // The memory store answers synchronously: skip the microtask an await would cost.
      batch = answer instanceof Promise ? await answer : answer;
    } catch (err) {
      // Once per STORE_DENY_LOG_MS at most: a deny route answers every request 503 during an
      // outage, and a line per request would flood the log the outage must be read from
      // (the resilient store logs the outage itself and its state changes).
      const now = clock.now();
      if (now - lastStoreDenyLog >= STORE_DENY_LOG_MS) {
        logger?.error(
          { err, route: route.id, store: store.name, deniedSinceLastLine: storeDenials },
          'store unavailable; denying',
        );
        lastStoreDenyLog = now;
        storeDenials = 0;
      } else storeDenials++;
      const detail = 'the rate-limit store is unavailable; try again shortly';
      return deny(
        route,
        caller,
        denyDecision('store-unavailable', detail),
        problemResponse('store-unavailable', detail),
      );
    }

    const refusal = batch.risk !== undefined && gate !== undefined ? gate.refusal(batch.risk) : undefined;
    if (refusal !== undefined) {
      const reason = refusal.status === 403 ? 'blocked' : 'abnormal-usage-detected';
      return deny(route, caller, denyDecision(reason, 'refused by the risk score'), refusal);
    }

    const decision = batch.outcomes.length === 0 ? ALLOW_UNLIMITED : decisionFromBatch(batch);
    const headers = route.rateLimitHeaders ? rateLimitHeaders(batch.outcomes) : {};
    if (decision.action === 'allow') {
      if (!planned) return { allowed: true, route, caller, decision, headers };
      const plan = createResponsePlan({
        route,
        store,
        clock,
        gate,
        lookup,
        reading: batch.risk,
        targets: route.targets === undefined ? [] : targetsOf(route.targets),
        detectors: defenses.detectors.get(route.id),
        egress: defenses.egress.get(route.id),
        onRisk: options.onRisk,
      });
      return { allowed: true, route, caller, decision, headers, plan };
    }

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
      // Detector state (hit counts, hot blocks) starts afresh with a new policy; scores and
      // blocks live in the store and are kept.
      defenses = buildDefenses(next, seed);
      policy = next;
    },
    matchRoute(method, path) {
      const normal = normalizePath(path);
      return normal === undefined ? undefined : matchRoute(policy.routes, method, normal);
    },
    admit,
    respond,
    async handle(req, upstream) {
      const verdict = await admit(req);
      if (!verdict.allowed) return verdict.response;
      const answer = await upstream(req);
      const res = verdict.plan === undefined ? answer : await respond(verdict.plan, answer);
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

async function respond(plan: ResponsePlan, res: PlainResponse): Promise<PlainResponse> {
  const ok = res.status >= 200 && res.status < 300;
  let value = res.json;
  if (ok && value === undefined && plan.egress !== undefined && isJson(res.headers['content-type'])) {
    try {
      value = JSON.parse(res.body) as unknown;
    } catch {
      return problemResponse('upstream-failed', 'the upstream answered malformed JSON');
    }
  }
  const filtered = ok && plan.egress !== undefined ? filterValue(value, plan.egress) : undefined;
  // Measured only for a byte quota, on the answer the client would receive. An unchanged
  // answer is its own body (a lazy body encodes once and keeps it); a filtered one is
  // encoded here, and that text is its body.
  let text: string | undefined;
  if (plan.measureBytes === true && filtered !== undefined && value !== undefined) {
    text = filtered.value === value ? res.body : JSON.stringify(filtered.value);
  }
  const replacement = await plan.settle({
    status: res.status,
    records: filtered?.stats.records ?? 0,
    passed: filtered?.stats.passed ?? 0,
    ...(text !== undefined ? { bytes: Buffer.byteLength(text) } : {}),
  });
  if (replacement !== undefined) return replacement;
  if (filtered === undefined || filtered.value === value) return res;
  const json = filtered.value;
  let body = text;
  return {
    status: res.status,
    headers: res.headers,
    json,
    // Serialized only when asked: the simulator and the adapters read `json`.
    get body() {
      return (body ??= JSON.stringify(json));
    },
  };
}

interface Defenses {
  readonly gate: RiskGate | undefined;
  readonly detectors: ReadonlyMap<string, RouteDetectorSet>;
  readonly egress: ReadonlyMap<string, RouteEgressConfigs>;
}

function buildDefenses(policy: CompiledPolicy, seed: number): Defenses {
  const detectors = new Map<string, RouteDetectorSet>();
  const egress = new Map<string, RouteEgressConfigs>();
  for (const route of policy.routes) {
    if (route.detect) detectors.set(route.id, createRouteDetectors(route.detect, seed));
    const configs = routeEgressConfigs(route);
    if (configs) egress.set(route.id, configs);
  }
  return { gate: policy.risk ? createRiskGate(policy.risk) : undefined, detectors, egress };
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

/** A body-array cost is the array's length, at least 1: an empty lookup still costs a request. */
function arrayCost(body: unknown, pointer: string): number {
  const items = resolvePointer(body, pointer);
  return Array.isArray(items) ? Math.max(1, items.length) : 1;
}
