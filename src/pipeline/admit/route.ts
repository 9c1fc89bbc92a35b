import { ALLOW_UNLIMITED } from '../../core/decide.ts';
import { normalizePath } from '../normalize-path.ts';
import { matchRoute } from '../routes.ts';
import type { Admission, Caller, PlainRequest } from '../types.ts';
import type { AdmitContext } from './context.ts';
import { refuseWith, requestState, type RequestState } from './request-state.ts';

/** Names the disagreement, not the addresses: they need not reach logs or the client. */
const FORWARDED_CONFLICT =
  'the Forwarded and X-Forwarded-For headers name different clients; send only one of them';

/**
 * The route step: resolve the client's address, normalize the path and find its route.
 * A path that does not decode is refused, and so are forwarding headers that disagree
 * (client-address.ts); a path no route matches is refused or, when the
 * policy says `unmatched: allow`, let through with no limit.
 */
export function routeStep(ctx: AdmitContext, req: PlainRequest): Admission | RequestState {
  const q = req.url.indexOf('?');
  const path = normalizePath(q === -1 ? req.url : req.url.slice(0, q));
  const client = ctx.clientAddress.resolve(req.remoteAddress, req.headers);
  const caller: Caller = { ip: client.ip, identity: undefined };
  if (path === undefined) {
    return refuseWith(undefined, caller, 'bad-request', 'the request path has malformed percent-encoding');
  }
  if (client.conflict) return refuseWith(undefined, caller, 'bad-request', FORWARDED_CONFLICT);
  const route = matchRoute(ctx.policy.routes, req.method, path);
  if (route !== undefined) return requestState(req, route, caller);
  if (ctx.policy.unmatched === 'allow')
    return { allowed: true, route, caller, decision: ALLOW_UNLIMITED, headers: {} };
  return refuseWith(route, caller, 'no-route', `no route allows ${req.method} ${path}`);
}
