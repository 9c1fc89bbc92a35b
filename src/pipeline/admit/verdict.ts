import { ALLOW_UNLIMITED, decisionFromBatch, denyDecision } from '../../core/decide.ts';
import type { Decision } from '../../core/decision.ts';
import { formatDuration } from '../../core/duration.ts';
import type { RiskedOutcome } from '../../stores/store.ts';
import { createResponsePlan } from '../response-plan.ts';
import { problemResponse } from '../problem.ts';
import { rateLimitHeaders, retryAfterSeconds } from '../rate-limit-headers.ts';
import type { Admission, ResponseOutcome, ResponsePlan } from '../types.ts';
import { captureSession } from '../accounts/capture-session.ts';
import type { RevealPlan } from '../reveal/reveal-plan.ts';
import type { AdmitContext } from './context.ts';
import { refuse, targetsOf, type RequestState } from './request-state.ts';

/**
 * The last step, on the store's answer: a risk score at challenge or block refuses; else the
 * limits' outcomes decide, and an allowed request on a planned route carries its answer's plan.
 */
export function verdict(
  ctx: AdmitContext,
  s: RequestState,
  batch: RiskedOutcome,
  reveal?: RevealPlan,
): Admission {
  const { gate } = ctx.defenses;
  const refusal = batch.risk !== undefined && gate !== undefined ? gate.refusal(batch.risk) : undefined;
  if (refusal !== undefined) {
    const reason = refusal.status === 403 ? 'blocked' : 'abnormal-usage-detected';
    return refuse(s.route, s.caller, denyDecision(reason, 'refused by the risk score'), refusal);
  }
  const { route, caller } = s;
  const decision = batch.outcomes.length === 0 ? ALLOW_UNLIMITED : decisionFromBatch(batch);
  const headers = route.rateLimitHeaders ? rateLimitHeaders(batch.outcomes) : {};
  if (decision.action !== 'allow') return quotaExceeded(s, decision, headers);
  if (!s.planned) return { allowed: true, route, caller, decision, headers };
  return { allowed: true, route, caller, decision, headers, plan: planOf(ctx, s, batch, reveal) };
}

function planOf(
  ctx: AdmitContext,
  s: RequestState,
  batch: RiskedOutcome,
  reveal: RevealPlan | undefined,
): ResponsePlan {
  const { route } = s;
  const { gate, detectors, egress } = ctx.defenses;
  return createResponsePlan({
    route,
    store: ctx.store,
    clock: ctx.clock,
    gate,
    lookup: s.lookup,
    reading: batch.risk,
    targets: route.targets === undefined ? [] : targetsOf(s, route.targets),
    detectors: detectors.get(route.id),
    egress: egress.get(route.id),
    onRisk: ctx.onRisk,
    reveal,
    capture: captureOf(ctx, s),
  });
}

/** Binds the session a registration answer hands out to the account it registered. */
function captureOf(
  ctx: AdmitContext,
  s: RequestState,
): ((outcome: ResponseOutcome) => void | Promise<void>) | undefined {
  const accounts = ctx.accounts;
  const account = s.account;
  if (accounts?.config.register?.route !== s.route.id || account === undefined) return undefined;
  return (outcome) => captureSession(accounts.config, accounts.graph, account, outcome, ctx.clock.now());
}

function quotaExceeded(
  s: RequestState,
  decision: Decision,
  headers: Readonly<Record<string, string>>,
): Admission {
  const { route } = s;
  // Routes with rate-limit headers off are enumeration-sensitive: say nothing about capacity.
  const policy = route.rateLimitHeaders ? decision.policy : undefined;
  const detail = policy
    ? `limit ${policy.id} allows ${policy.limit} per ${formatDuration(policy.windowMs)}`
    : 'too many requests; retry later';
  const response = problemResponse('quota-exceeded', detail, {
    headers: { ...headers, 'retry-after': retryAfterSeconds(decision.retryAfterMs) },
    // The policy's name tells the caller which limit to respect; it reveals no capacity.
    extensions: policy ? { policy: policy.id } : {},
  });
  return refuse(route, s.caller, decision, response);
}
