import type { Agent, AgentContext, AgentResponse } from '../../agent.ts';
import { deferredSeconds } from './rate-limit-fields.ts';
import { retryDelayMs } from '../retry.ts';
import { aimdPace, type AimdPace, type PaceOptions } from './aimd-pace.ts';
import { limitBudgets } from './limit-budgets.ts';
import type { Networks } from './networks.ts';
import { ROUTES, isLookup, routeIndex, type Job, type Plan, type RouteId, type SlotView } from './plan.ts';

/** How an account gets a fresh start after a refusal: a new session on its number, or a new number. */
export type RecycleMode = 'same-number' | 'fresh-number';

export interface ControllerOptions {
  readonly id: string;
  /** Virtual ms the attack begins; accounts register spread over `staggerMs` from then. */
  readonly startAt: number;
  readonly staggerMs?: number;
  /** Accounts in use at once. */
  readonly slots: number;
  /** SIM numbers the attacker may register in all (at least `slots`). */
  readonly sims: number;
  readonly simNumber: (sim: number) => string;
  readonly networks: Networks;
  /** Per account, for lookups (numbers/s) and fetches (requests/s). */
  readonly lookupPace: PaceOptions;
  readonly fetchPace: PaceOptions;
  /** A refusal asking to wait longer than this retires the account for a fresh SIM (Infinity: wait). */
  readonly retireAfterMs: number;
  /** Recycle on every refusal (and when RateLimit fields show the budget running low). */
  readonly recycle?: RecycleMode;
  /** Accounts only scan this long after registering; before, `warmup` runs if given. */
  readonly ageMs?: number;
  readonly warmup?: Plan;
  readonly plan: Plan;
  /** Spread of each pause, as a share of it, so the traffic has no fixed period (default 0.3). */
  readonly jitter?: number;
}

const UNREGISTERED = 0;
const REGISTERING = 1;
const ACTIVE = 2;
const DEAD = 3;
const TAG_REGISTER = 1 << 24;
/** Refusals of two accounts of one network this close together suggest a shared (network) limit. */
const CORRELATION_MS = 60_000;

function scaled(p: PaceOptions, by: number): PaceOptions {
  return { ...p, start: p.start * by, max: p.max * by };
}

/**
 * The adaptive attackers' shared controller. It registers each account (SIM number) from its
 * network, paces every account and every network on every route by AIMD (raise until refused,
 * halve on 429/403, honour Retry-After, respect budgets RateLimit fields reveal), and retires
 * or recycles an account whose refusal lasts too long. What to ask is the plan's business.
 */
export function adaptiveController(o: ControllerOptions): Agent {
  const R = ROUTES.length;
  const perNet = Math.ceil(o.slots / o.networks.count);
  const paceFor = (r: number) => (isLookup(ROUTES[r] as RouteId) ? o.lookupPace : o.fetchPace);
  const accountPace: AimdPace[] = ROUTES.map((_, r) => aimdPace(o.slots, paceFor(r)));
  const networkPace: AimdPace[] = ROUTES.map((_, r) =>
    aimdPace(o.networks.count, scaled(paceFor(r), perNet)),
  );
  const budgets = limitBudgets(o.slots * R, 4 * o.slots * R + 64);
  const status = new Uint8Array(o.slots);
  const tokens = new Array<string | undefined>(o.slots).fill(undefined);
  const sim = Int32Array.from({ length: o.slots }, (_, s) => s);
  const simRegisteredAt = new Float64Array(o.sims).fill(NaN);
  const held = new Array<{ job: Job; plan: Plan } | undefined>(o.slots).fill(undefined);
  const inFlight = new Array<Job | undefined>(o.slots).fill(undefined);
  /** The plan that made the job in flight (the warm-up's or the scan's). */
  const inFlightPlan = new Array<Plan | undefined>(o.slots).fill(undefined);
  const lastRefusedAt = new Float64Array(o.networks.count * R).fill(-Infinity);
  const lastRefusedSlot = new Int32Array(o.networks.count * R).fill(-1);
  let simsUsed = o.slots;
  let recycledSim = 0;
  const ageMs = o.ageMs ?? 0;
  const jitter = o.jitter ?? 0.3;

  const address = (slot: number): string => o.networks.addressOf(slot, sim[slot] as number);

  function readyAt(slot: number, route: RouteId, cost: number, now: number): number {
    const r = routeIndex(route);
    const net = o.networks.networkOf(slot);
    return Math.max(
      (accountPace[r] as AimdPace).readyAt(slot),
      (networkPace[r] as AimdPace).readyAt(net),
      budgets.readyAt(slot * R + r, cost, now),
    );
  }

  function register(slot: number, ctx: AgentContext): void {
    status[slot] = REGISTERING;
    ctx.send(
      {
        method: 'POST',
        path: '/v1/accounts',
        headers: { 'content-type': 'application/json' },
        body: { number: o.simNumber(sim[slot] as number) },
        clientIp: address(slot),
      },
      TAG_REGISTER + slot,
    );
  }

  function send(slot: number, job: Job, plan: Plan, ctx: AgentContext): void {
    const r = routeIndex(job.route);
    const now = ctx.now();
    (accountPace[r] as AimdPace).spend(slot, job.cost, now);
    (networkPace[r] as AimdPace).spend(o.networks.networkOf(slot), job.cost, now);
    budgets.spend(slot * R + r, job.cost);
    inFlight[slot] = job;
    inFlightPlan[slot] = plan;
    ctx.send(
      {
        method: job.method,
        path: job.path,
        headers: {
          authorization: `Bearer ${tokens[slot] ?? ''}`,
          ...(job.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(job.body !== undefined ? { body: job.body } : {}),
        clientIp: address(slot),
      },
      slot,
    );
  }

  function work(slot: number, ctx: AgentContext): void {
    const now = ctx.now();
    const registered = simRegisteredAt[sim[slot] as number] as number;
    const young = now < registered + ageMs;
    const plan = held[slot]?.plan ?? (young ? o.warmup : o.plan);
    if (plan === undefined) return ctx.wakeAt(registered + ageMs, slot);
    const view: SlotView = { slot, now, readyAt: (route) => readyAt(slot, route, 1, now) };
    const next = held[slot]?.job ?? plan.next(view, ctx);
    if (next === null) return; // this account has nothing more to do
    if (!('route' in next))
      return ctx.wakeAt(
        Math.max(now + 1, young ? Math.min(next.waitUntil, registered + ageMs) : next.waitUntil),
        slot,
      );
    const at = readyAt(slot, next.route, next.cost, now);
    if (at > now) {
      held[slot] = { job: next, plan };
      const spread = jitter * ctx.rng.next() * Math.min(at - now, 3_600_000);
      return ctx.wakeAt(at + spread, slot);
    }
    held[slot] = undefined;
    send(slot, next, plan, ctx);
  }

  /** A fresh SIM in the slot, when the budget allows; otherwise the slot goes quiet. */
  function replace(slot: number, ctx: AgentContext, cycle: boolean): void {
    if (simsUsed < o.sims) sim[slot] = simsUsed++;
    else if (cycle) sim[slot] = recycledSim++ % o.sims;
    else {
      status[slot] = DEAD;
      return;
    }
    for (let r = 0; r < R; r++) {
      (accountPace[r] as AimdPace).reset(slot);
      budgets.forget(slot * R + r);
    }
    signOut(slot, ctx);
  }

  function signOut(slot: number, ctx: AgentContext): void {
    tokens[slot] = undefined;
    status[slot] = UNREGISTERED;
    ctx.wakeAt(ctx.now(), slot);
  }

  function recycle(slot: number, ctx: AgentContext): void {
    if (o.recycle === 'fresh-number') replace(slot, ctx, true);
    else signOut(slot, ctx);
  }

  function refused(slot: number, job: Job, response: AgentResponse, ctx: AgentContext): void {
    const now = ctx.now();
    const r = routeIndex(job.route);
    const net = o.networks.networkOf(slot);
    const k = net * R + r;
    (accountPace[r] as AimdPace).cut(slot);
    if (now - (lastRefusedAt[k] as number) < CORRELATION_MS && lastRefusedSlot[k] !== slot)
      (networkPace[r] as AimdPace).cut(net);
    lastRefusedAt[k] = now;
    lastRefusedSlot[k] = slot;
    // A block (403) that names no end is taken as long.
    const wait = retryDelayMs(response, response.status === 403 ? Infinity : 60_000);
    if (o.recycle !== undefined) return recycle(slot, ctx);
    if (wait > o.retireAfterMs) return replace(slot, ctx, false);
    (accountPace[r] as AimdPace).holdUntil(slot, now + wait);
    ctx.wakeAt(now, slot);
  }

  function answered(slot: number, job: Job, response: AgentResponse, ctx: AgentContext): void {
    const now = ctx.now();
    const r = routeIndex(job.route);
    const net = o.networks.networkOf(slot);
    budgets.learn(slot * R + r, response.headers, job.cost, now);
    if (response.status >= 500)
      (accountPace[r] as AimdPace).holdUntil(slot, now + retryDelayMs(response, 60_000));
    else if (response.status < 300) {
      (accountPace[r] as AimdPace).raise(slot);
      (networkPace[r] as AimdPace).raise(net);
    }
    // A spent budget shows as RateLimit fields running low, or as answers deferred for later.
    const spent = budgets.low(slot * R + r, job.cost, now) || deferredSeconds(response.headers) !== undefined;
    if (o.recycle !== undefined && spent) return recycle(slot, ctx);
    ctx.wakeAt(now, slot);
  }

  function onRegistered(slot: number, response: AgentResponse, ctx: AgentContext): void {
    const token = (response.body as { token?: unknown } | undefined)?.token;
    if (response.status < 300 && typeof token === 'string') {
      tokens[slot] = token;
      status[slot] = ACTIVE;
      const s = sim[slot] as number;
      if (Number.isNaN(simRegisteredAt[s])) simRegisteredAt[s] = ctx.now();
      return ctx.wakeAt(ctx.now(), slot);
    }
    status[slot] = UNREGISTERED;
    ctx.wakeAt(ctx.now() + retryDelayMs(response, 600_000), slot);
  }

  return {
    id: o.id,
    role: 'attacker',
    start(ctx) {
      const stagger = o.staggerMs ?? 600_000;
      for (let s = 0; s < o.slots; s++) ctx.wakeAt(o.startAt + (s / o.slots) * stagger, s);
    },
    onWake(slot, ctx) {
      if (status[slot] === UNREGISTERED) register(slot, ctx);
      else if (status[slot] === ACTIVE && inFlight[slot] === undefined) work(slot, ctx);
    },
    onResponse(response, tag, ctx) {
      if (tag >= TAG_REGISTER) return onRegistered(tag - TAG_REGISTER, response, ctx);
      const slot = tag;
      const job = inFlight[slot] as Job;
      const plan = inFlightPlan[slot] as Plan;
      inFlight[slot] = undefined;
      if (response.status === 401) {
        plan.refused(slot, job, ctx);
        return signOut(slot, ctx);
      }
      if (response.status === 429 || response.status === 403) {
        plan.refused(slot, job, ctx);
        return refused(slot, job, response, ctx);
      }
      plan.answered(slot, job, response, ctx);
      answered(slot, job, response, ctx);
    },
  };
}
