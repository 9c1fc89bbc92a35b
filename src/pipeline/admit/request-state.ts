import type { Decision, DecisionReason } from '../../core/decision.ts';
import { denyDecision } from '../../core/decide.ts';
import type { CompiledRoute } from '../../policy/types.ts';
import type { RiskLookup } from '../../stores/store.ts';
import { resolvePointer } from '../json-pointer.ts';
import { problemResponse } from '../problem.ts';
import type { ProblemCode } from '../problem-codes.ts';
import { normalizeTargets } from '../targets.ts';
import type { Admission, Caller, PlainRequest, PlainResponse } from '../types.ts';

/**
 * One matched request on its way through admit's steps. Each step reads what the steps
 * before it filled in and either refuses the request (returns its Admission) or goes on.
 * One object per request, in place of the closures the steps would otherwise share.
 */
export interface RequestState {
  readonly req: PlainRequest;
  readonly route: CompiledRoute;
  /** Anonymous until authenticate identifies the caller. */
  caller: Caller;
  /** The caller's risk lookup, set by the checks step; undefined: no risk section, or allowlisted. */
  lookup: RiskLookup | undefined;
  /** Whether the route filters or scores its answers, so an allowed request needs a plan. */
  planned: boolean;
  /** Targets are normalized once and shared by the distinct limits and the detectors. */
  lastPointer: string | undefined;
  lastTargets: string[];
  /** The account's fingerprint once the account step named one (policy `accounts`). */
  account: number | undefined;
  /** The account is anchored in the contact graph: its network's penalties spare it. */
  spared: boolean;
}

/** Never returned (no pointer matches `undefined`): spares an allocation per request. */
const NO_TARGETS: string[] = [];

export function requestState(req: PlainRequest, route: CompiledRoute, caller: Caller): RequestState {
  return {
    req,
    route,
    caller,
    lookup: undefined,
    planned: false,
    lastPointer: undefined,
    lastTargets: NO_TARGETS,
    account: undefined,
    spared: false,
  };
}

/**
 * The normalized targets at `pointer` in the request's body. Routes name one targets
 * pointer in practice: remember the last one, no map per request.
 */
export function targetsOf(s: RequestState, pointer: string): string[] {
  if (pointer !== s.lastPointer) {
    s.lastTargets = normalizeTargets(resolvePointer(s.req.body, pointer));
    s.lastPointer = pointer;
  }
  return s.lastTargets;
}

export function refuse(
  route: CompiledRoute | undefined,
  caller: Caller | undefined,
  decision: Decision,
  response: PlainResponse,
): Admission {
  return { allowed: false, route, caller, decision, response };
}

/** A refusal no limit made, answered with the problem of the same name. */
export function refuseWith(
  route: CompiledRoute | undefined,
  caller: Caller | undefined,
  code: Exclude<DecisionReason, 'ok'> & ProblemCode,
  detail: string,
): Admission {
  return refuse(route, caller, denyDecision(code, detail), problemResponse(code, detail));
}
