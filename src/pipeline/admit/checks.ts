import { ALLOW_UNLIMITED } from '../../core/decide.ts';
import type { LimitCheck } from '../../core/limit.ts';
import type { CompiledLimit } from '../../policy/types.ts';
import { resolvePointer } from '../json-pointer.ts';
import { limitKey } from '../limit-keys.ts';
import type { Admission } from '../types.ts';
import type { AdmitContext } from './context.ts';
import { targetsOf, type RequestState } from './request-state.ts';

/**
 * The checks step: the caller's risk lookup and one LimitCheck per limit of the route, for
 * the store's single consume. A request no limit, no risk score and no plan applies to is
 * allowed here without asking the store.
 */
export function limitChecks(ctx: AdmitContext, s: RequestState): Admission | LimitCheck[] {
  const { route } = s;
  const lookup = ctx.defenses.gate?.lookupFor(s.caller, s.req.headers);
  s.lookup = lookup !== undefined && s.spared ? { ...lookup, spareNetwork: true } : lookup;
  s.planned =
    route.detect !== undefined ||
    route.egress !== undefined ||
    route.reveal !== undefined ||
    ctx.accounts?.config.register?.route === route.id;
  if (route.limits.length === 0 && s.lookup === undefined && !s.planned)
    return { allowed: true, route, caller: s.caller, decision: ALLOW_UNLIMITED, headers: {} };
  const checks: LimitCheck[] = [];
  for (const limit of route.limits) checks.push(limitCheck(s, limit));
  return checks;
}

function limitCheck(s: RequestState, limit: CompiledLimit): LimitCheck {
  const key = limitKey(limit, s.caller, s.req.headers);
  let check: LimitCheck;
  if (limit.distinct) {
    const targets = targetsOf(s, limit.distinct.pointer);
    check = { spec: limit.spec, key, cost: targets.length, targets };
  } else {
    const cost = limit.cost.kind === 'fixed' ? limit.cost.units : arrayCost(s.req.body, limit.cost.pointer);
    check = { spec: limit.spec, key, cost };
  }
  return limit.ramp ? { ...check, ramp: limit.ramp } : check;
}

/** A body-array cost is the array's length, at least 1: an empty lookup still costs a request. */
function arrayCost(body: unknown, pointer: string): number {
  const items = resolvePointer(body, pointer);
  return Array.isArray(items) ? Math.max(1, items.length) : 1;
}
