import { denyDecision } from '../../core/decide.ts';
import type { IdentifyResult } from '../../identity/types.ts';
import type { CompiledPolicy } from '../../policy/types.ts';
import { problemResponse } from '../problem.ts';
import type { Admission, PlainResponse } from '../types.ts';
import type { AdmitContext } from './context.ts';
import { refuse, type RequestState } from './request-state.ts';

type MaybeRefusal = Admission | undefined;

/**
 * Identifies the caller and authenticates (see below), unless the route never looks. An
 * address that failed authentication too often is refused with 429 before its credentials
 * are verified, and every invalid credential is charged to its address (failed-auth.ts).
 * Only a JWT's verification answers later; the rest stays synchronous.
 */
export function identifyStep(ctx: AdmitContext, s: RequestState): MaybeRefusal | Promise<MaybeRefusal> {
  if (s.route.auth === 'none') return undefined;
  const boxed = ctx.failedAuth?.refusal(s);
  if (boxed !== undefined) return boxed;
  const identifying = ctx.identifier.identify(s.req.headers);
  if (identifying instanceof Promise) return identifying.then((who) => identified(ctx, s, who));
  return identified(ctx, s, identifying);
}

function identified(
  ctx: AdmitContext,
  s: RequestState,
  who: IdentifyResult,
): MaybeRefusal | Promise<MaybeRefusal> {
  const refusal = authenticate(ctx.policy, s, who);
  if (refusal === undefined || who.kind !== 'invalid' || ctx.failedAuth === undefined) return refusal;
  return ctx.failedAuth.failed(s, refusal);
}

/**
 * The authenticate step, given what the identifier made of the request's credentials
 * (undefined on a route with `auth: none`, which never looks). A credential presented but
 * invalid is refused on every route; no credential is refused where the route requires one.
 */
export function authenticate(
  policy: CompiledPolicy,
  s: RequestState,
  who: IdentifyResult | undefined,
): Admission | undefined {
  if (who === undefined) return undefined;
  if (who.kind === 'invalid') return unauthenticated(policy, s, who.detail);
  if (who.kind === 'identified') s.caller = { ip: s.caller.ip, identity: who.identity };
  else if (s.route.auth === 'required')
    return unauthenticated(policy, s, `route ${s.route.id} requires credentials`);
  return undefined;
}

function unauthenticated(policy: CompiledPolicy, s: RequestState, detail: string): Admission {
  return refuse(s.route, s.caller, denyDecision('unauthenticated', detail), unauthorized(policy, detail));
}

function unauthorized(policy: CompiledPolicy, detail: string): PlainResponse {
  // RFC 9110 section 15.5.2: a 401 carries a challenge for each accepted scheme.
  const schemes: string[] = [];
  if (policy.identities.jwt) schemes.push('Bearer realm="enumguard"');
  if (policy.identities.apiKeys) schemes.push('ApiKey realm="enumguard"');
  const headers: Record<string, string> =
    schemes.length > 0 ? { 'www-authenticate': schemes.join(', ') } : {};
  return problemResponse('unauthenticated', detail, { headers });
}
