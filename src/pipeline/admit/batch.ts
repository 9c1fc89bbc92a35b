import { denyDecision } from '../../core/decide.ts';
import { resolvePointer } from '../json-pointer.ts';
import { problemResponse } from '../problem.ts';
import type { Admission } from '../types.ts';
import { refuse, refuseWith, type RequestState } from './request-state.ts';

/**
 * The batch step: on a route with a batch cap, the body's array may hold at most `max`
 * items. The body-shape step before it has refused a body without an array there; the
 * checks stay for callers that skip it.
 */
export function checkBatch(s: RequestState): Admission | undefined {
  const { route } = s;
  if (!route.batch) return undefined;
  const { pointer, max, status } = route.batch;
  const items = resolvePointer(s.req.body, pointer);
  if (items === undefined) return undefined;
  if (!Array.isArray(items))
    return refuseWith(route, s.caller, 'bad-request', `expected an array at ${pointer}`);
  if (items.length <= max) return undefined;
  const detail = `${items.length} items at ${pointer}; at most ${max} are allowed per request`;
  return refuse(
    route,
    s.caller,
    denyDecision('batch-too-large', detail),
    problemResponse('batch-too-large', detail, { status }),
  );
}
