import type { EnumguardEvent, EventType } from '../events/event-types.ts';
import { riskModel } from '../core/risk.ts';
import { identityTag } from '../stores/risk-subject.ts';
import type { AdminRoute, RouteCall } from './admin-deps.ts';
import { sendJson, sendProblem } from './admin-http.ts';

/** Every event type, for the `type` filter's validation: a Record, so a new type fails to compile until listed. */
const EVENT_TYPE_SET: Record<EventType, true> = {
  refusal: true,
  finding: true,
  'risk-level': true,
  'block-started': true,
  'block-lifted': true,
  'policy-reloaded': true,
  'policy-rejected': true,
  'store-fallback': true,
  'store-recovered': true,
  'population-surge': true,
  'admin-action': true,
};
export const EVENT_TYPES = Object.keys(EVENT_TYPE_SET) as EventType[];

/** Most events one query answers (the bus keeps 1,000 by default). */
export const MAX_LIST = 1_000;

/** `?limit=`: a whole number from 1 to `max`, default `fallback`; undefined when malformed. */
export function limitParam(url: URL, fallback: number, max = MAX_LIST): number | undefined {
  const text = url.searchParams.get('limit');
  if (text === null) return fallback;
  const n = Number(text);
  return /^\d{1,7}$/.test(text) && n >= 1 && n <= max ? n : undefined;
}

/** `?type=a,b`: known event types; undefined when one is unknown. */
export function typesParam(url: URL): EventType[] | undefined {
  const text = url.searchParams.get('type');
  if (text === null || text === '') return [];
  const types = text.split(',');
  const known = new Set<string>(EVENT_TYPES);
  return types.every((t) => known.has(t)) ? (types as EventType[]) : undefined;
}

function badQuery(call: RouteCall, what: string): void {
  sendProblem(call.res, 400, 'Bad Request', what);
}

/** The model the risk tables are scored with, or a 409 answer when the policy scores no one. */
export function modelOr409(call: RouteCall): ReturnType<typeof riskModel> | undefined {
  const risk = call.deps.pipeline.policy().risk;
  if (risk === undefined) {
    sendProblem(
      call.res,
      409,
      'Conflict',
      'the policy in force has no risk section: no one is scored or blocked',
    );
    return undefined;
  }
  return riskModel(risk.model);
}

/**
 * Swept number blocks: range-density findings grouped by the block they name (the finding's
 * `block`, set by the detector: a prefix, never a whole number), most findings first, at most
 * `limit` of them.
 */
export function hotBlocks(
  events: readonly EnumguardEvent[],
  limit: number,
): {
  block: string;
  findings: number;
  callers: number;
  lastAt: number;
}[] {
  const blocks = new Map<string, { findings: number; callers: Set<string>; lastAt: number }>();
  for (const e of events) {
    if (e.type !== 'finding' || e.block === undefined) continue;
    const entry = blocks.get(e.block) ?? { findings: 0, callers: new Set<string>(), lastAt: 0 };
    entry.findings++;
    entry.callers.add(e.identityTag ?? e.prefix);
    entry.lastAt = Math.max(entry.lastAt, e.at);
    blocks.set(e.block, entry);
  }
  return [...blocks]
    .map(([block, b]) => ({ block, findings: b.findings, callers: b.callers.size, lastAt: b.lastAt }))
    .sort((a, b) => b.findings - a.findings || b.lastAt - a.lastAt)
    .slice(0, limit);
}

export const READ_ROUTES: readonly AdminRoute[] = [
  {
    method: 'GET',
    path: '/admin/v1/status',
    summary: 'policy version and source, store kind and health, instances, event bus stats',
    handle({ res, deps }) {
      const policy = deps.pipeline.policy();
      const health = deps.store.stats();
      sendJson(res, 200, {
        instance: deps.instance,
        now: deps.clock.now(),
        policy: { ...deps.policyInfo(), routes: policy.routes.length, risk: policy.risk !== undefined },
        store: {
          kind: deps.store.kind,
          // Without a shared store there is nothing to be unhealthy; with one, the circuit says.
          healthy: health === undefined || health.state === 'closed',
          ...(health === undefined ? {} : { health }),
        },
        instances: health?.instances ?? 1,
        events: deps.events.stats(),
      });
    },
  },
  {
    method: 'GET',
    path: '/admin/v1/events',
    summary: 'recent events, newest last; ?type=finding,refusal&limit=100',
    handle(call) {
      const limit = limitParam(call.url, 100);
      const types = typesParam(call.url);
      if (limit === undefined) return badQuery(call, `limit: expected a whole number from 1 to ${MAX_LIST}`);
      if (types === undefined)
        return badQuery(call, `type: expected event types among ${EVENT_TYPES.join(', ')}`);
      sendJson(call.res, 200, { events: call.deps.events.recent(limit, types) });
    },
  },
  {
    method: 'GET',
    path: '/admin/v1/findings',
    summary: 'recent detector findings, newest last; ?limit=100',
    handle(call) {
      const limit = limitParam(call.url, 100);
      if (limit === undefined) return badQuery(call, `limit: expected a whole number from 1 to ${MAX_LIST}`);
      sendJson(call.res, 200, { findings: call.deps.events.recent(limit, ['finding']) });
    },
  },
  {
    method: 'GET',
    path: '/admin/v1/hot-blocks',
    summary: 'number blocks being swept (range-density findings), most findings first; ?limit=20',
    handle(call) {
      const limit = limitParam(call.url, 20, 500);
      if (limit === undefined) return badQuery(call, 'limit: expected a whole number from 1 to 500');
      const events = call.deps.events.recent(MAX_LIST, ['finding']);
      sendJson(call.res, 200, { blocks: hotBlocks(events, limit) });
    },
  },
  {
    method: 'GET',
    path: '/admin/v1/risky',
    summary: 'the riskiest identities and networks by score; ?kind=identity|network&limit=20',
    async handle(call) {
      const limit = limitParam(call.url, 20, 500);
      const kind = call.url.searchParams.get('kind');
      if (limit === undefined) return badQuery(call, 'limit: expected a whole number from 1 to 500');
      if (kind !== null && kind !== 'identity' && kind !== 'network') {
        return badQuery(call, 'kind: expected identity or network');
      }
      const admin = adminOr501(call);
      const model = admin && modelOr409(call);
      if (admin === undefined || model === undefined) return;
      // Ask for both kinds' worth, then keep the kind asked for.
      const top = await admin.top(model, kind === null ? limit : limit * 4);
      const kept = kind === null ? top : top.filter((e) => e.subject.kind === kind).slice(0, limit);
      sendJson(call.res, 200, { subjects: kept });
    },
  },
  {
    method: 'GET',
    path: '/admin/v1/blocks',
    summary: 'subjects blocked now, the soonest to end first; ?limit=100 (total counts them all)',
    async handle(call) {
      const limit = limitParam(call.url, 100);
      if (limit === undefined) return badQuery(call, `limit: expected a whole number from 1 to ${MAX_LIST}`);
      const admin = adminOr501(call);
      const model = admin && modelOr409(call);
      if (admin === undefined || model === undefined) return;
      // An attack from thousands of addresses blocks thousands of subjects: the answer (and the
      // dashboard's table) stays bounded, and `total` says how many there are.
      const all = await admin.blocks(model);
      sendJson(call.res, 200, { blocks: all.slice(0, limit), total: all.length });
    },
  },
  {
    method: 'GET',
    path: '/admin/v1/allowlist',
    summary: "the policy's risk.allowlist (identities as tags) and the runtime additions",
    handle({ res, deps }) {
      const allow = deps.pipeline.policy().risk?.allowlist;
      sendJson(res, 200, {
        policy: { cidrs: allow?.cidrs ?? [], identities: (allow?.identities ?? []).map(identityTag) },
        runtime: deps.allowlist.entries(),
      });
    },
  },
  {
    method: 'GET',
    path: '/admin/v1/traffic',
    summary: 'requests and refusals by reason per second, the last 5 minutes',
    handle({ res, deps }) {
      sendJson(res, 200, deps.traffic.snapshot());
    },
  },
  {
    method: 'GET',
    path: '/admin/v1/session',
    summary: "the caller's kind and, for a dashboard session, its CSRF token",
    handle({ res, caller }) {
      sendJson(
        res,
        200,
        caller.kind === 'session' ? { kind: 'session', csrf: caller.csrf } : { kind: 'bearer' },
      );
    },
  },
];

export function adminOr501(call: RouteCall) {
  const admin = call.deps.store.store.admin;
  if (admin === undefined) {
    sendProblem(
      call.res,
      501,
      'Not Implemented',
      `the store ${call.deps.store.store.name} offers no admin operations`,
    );
  }
  return admin;
}
