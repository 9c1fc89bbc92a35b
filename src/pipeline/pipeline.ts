import type { Clock } from '../core/clock.ts';
import { randomInt } from 'node:crypto';
import type { CompiledPolicy, CompiledRoute } from '../policy/types.ts';
import type { Store } from '../stores/store.ts';
import type { AllowlistOverlay } from './allowlist-overlay.ts';
import { admitRequest } from './admit/admit.ts';
import { createAdmitContext, type AdmitContextBase } from './admit/context.ts';
import type { ContactGraph } from '../stores/contact-graph/contact-graph.ts';
import { createMemoryContactGraph } from '../stores/contact-graph/memory-contact-graph.ts';
import { contactGraphBounds } from '../stores/contact-graph/graph-options.ts';
import { createStoreOutageLog } from './admit/store-outage-log.ts';
import type { PipelineLogger } from './logger.ts';
import { normalizePath } from './normalize-path.ts';
import { respond } from './respond.ts';
import type { RiskEvent } from './risk-gate.ts';
import { createSurgeSignal, type PopulationSurge } from './reveal/surge-signal.ts';
import { matchRoute } from './routes.ts';
import type { Admission, PlainRequest, PlainResponse, ResponsePlan } from './types.ts';

export type { PipelineLogger } from './logger.ts';

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
   * A population surge: the budget all unanchored accounts share (policy `contacts.population`)
   * was found spent. At most once a minute.
   */
  readonly onSurge?: (surge: PopulationSurge) => void;
  /**
   * Seed of the range-density detector's block hash. A gateway takes it from a random source
   * (a caller who knew it could pick colliding blocks); a simulation fixes it to repeat.
   */
  readonly seed?: number;
  /**
   * The contact graph of a policy with an accounts section (the simulator passes one with the
   * world's history); default: an in-process graph made on first use, bounded by the policy.
   */
  readonly contactGraph?: ContactGraph;
  /** Runtime additions to the policy's risk.allowlist (the admin API's), kept across reloads. */
  readonly allowlist?: AllowlistOverlay;
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
 * once for every limit the request touches (src/pipeline/admit/ holds the steps).
 */
export function createPipeline(options: PipelineOptions): Pipeline {
  const { store, clock } = options;
  let graph = options.contactGraph;
  // The graph is made from the policy in force when it is first needed.
  let current = options.policy;
  const base: AdmitContextBase = {
    graph: () => (graph ??= defaultGraph(current, clock)),
    store,
    clock,
    allowlist: options.allowlist,
    outageLog: createStoreOutageLog(clock, options.logger),
    onRisk: options.onRisk,
    surge: options.onSurge === undefined ? undefined : createSurgeSignal(clock, options.onSurge),
    onUntrustedForwarded: options.onUntrustedForwarded,
    seed: options.seed ?? randomInt(2 ** 31),
  };
  let ctx = createAdmitContext(base, current);
  const admit = (req: PlainRequest): Promise<Admission> => admitRequest(ctx, req);

  return {
    policy: () => ctx.policy,
    setPolicy(next) {
      current = next;
      ctx = createAdmitContext(base, next);
    },
    matchRoute(method, path) {
      const normal = normalizePath(path);
      return normal === undefined ? undefined : matchRoute(ctx.policy.routes, method, normal);
    },
    admit,
    respond,
    async handle(req, upstream) {
      const verdict = await admit(req);
      if (!verdict.allowed) return verdict.response;
      const answer = await upstream(req);
      if (verdict.plan === undefined) return withHeaders(answer, verdict.headers);
      const res = await respond(verdict.plan, answer);
      // The plan's own headers (enumguard-deferred) go on a released answer only.
      const released = res === answer || (res.json !== undefined && res.status === answer.status);
      const added = released ? verdict.plan.headers?.() : undefined;
      return withHeaders(res, added === undefined ? verdict.headers : { ...verdict.headers, ...added });
    },
  };
}

/**
 * An in-process contact graph bounded by the policy, keyed at random (fingerprints never leave
 * it), not persisted: for adapters and tests. The gateway passes its own, restored from a
 * snapshot (stores/contact-graph/persisted-contact-graph.ts).
 */
function defaultGraph(policy: CompiledPolicy, clock: Clock): ContactGraph {
  return createMemoryContactGraph({
    ...contactGraphBounds(policy),
    seed: [randomInt(2 ** 31), randomInt(2 ** 31)],
    createdAt: clock.now(),
  });
}

/** The upstream's answer with the admission's rate-limit headers added. */
function withHeaders(res: PlainResponse, added: Readonly<Record<string, string>>): PlainResponse {
  const headers = { ...res.headers, ...added };
  // Read `body` lazily: an in-process consumer may only want `json`.
  return {
    status: res.status,
    headers,
    json: res.json,
    get body() {
      return res.body;
    },
  };
}
