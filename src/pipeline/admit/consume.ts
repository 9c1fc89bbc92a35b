import type { LimitCheck } from '../../core/limit.ts';
import type { RiskedOutcome } from '../../stores/store.ts';
import type { Admission } from '../types.ts';
import type { AdmitContext } from './context.ts';
import { refuseWith, type RequestState } from './request-state.ts';

/**
 * The consume step: one store call for every limit and the risk reading the request
 * touches. The memory store answers synchronously, so the caller awaits only a promise.
 */
export function consume(
  ctx: AdmitContext,
  s: RequestState,
  checks: readonly LimitCheck[],
): RiskedOutcome | Promise<RiskedOutcome> {
  return ctx.store.consume(checks, s.lookup, { unavailable: s.route.storeUnavailable });
}

/** The refusal when the store failed (a route whose `storeUnavailable` is deny). */
export function storeUnavailable(ctx: AdmitContext, s: RequestState, err: unknown): Admission {
  ctx.outageLog.denied(err, s.route.id, ctx.store.name);
  return refuseWith(
    s.route,
    s.caller,
    'store-unavailable',
    'the rate-limit store is unavailable; try again shortly',
  );
}
