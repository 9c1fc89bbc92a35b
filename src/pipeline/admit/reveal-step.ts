import { prepareReveal, type RevealPlan } from '../reveal/reveal-plan.ts';
import type { AdmitContext } from './context.ts';
import { targetsOf, type RequestState } from './request-state.ts';

/**
 * The reveal step, for an allowed lookup on a route with `reveal`: what the contact graph knows
 * of the caller and its targets, and the caller's reveal budget, as the plan's record gate.
 * A failing graph or store is the store's failure: the request is answered 503 by the caller.
 */
export function revealStep(ctx: AdmitContext, s: RequestState): Promise<RevealPlan> | undefined {
  const { route } = s;
  const contacts = ctx.policy.contacts;
  if (route.reveal === undefined || contacts === undefined || ctx.accounts === undefined) return undefined;
  const graph = ctx.accounts.graph;
  const accountKey = s.caller.account ?? '';
  return prepareReveal({
    contacts,
    graph,
    store: ctx.store,
    clock: ctx.clock,
    // A caller not yet bound to an account is tracked under its own key, with no trust.
    account: s.account ?? graph.fingerprint(`key ${accountKey}`),
    accountKey,
    targets: route.targets === undefined ? [] : targetsOf(s, route.targets),
    member: route.reveal.member,
    onPopulationSpent: ctx.surge === undefined ? undefined : (ms) => ctx.surge?.spent(route.id, ms),
  });
}
