import type { RiskedOutcome } from '../../stores/store.ts';
import type { Admission, PlainRequest } from '../types.ts';
import { identifyStep } from './authenticate.ts';
import { authorize } from './authorize.ts';
import { checkBatch } from './batch.ts';
import { checkBodyShape } from './body-shape.ts';
import { limitChecks } from './checks.ts';
import { consume, storeUnavailable } from './consume.ts';
import type { AdmitContext } from './context.ts';
import { routeStep } from './route.ts';
import { verdict } from './verdict.ts';
import { accountStep } from '../accounts/account-step.ts';
import { revealStep } from './reveal-step.ts';
import type { RevealPlan } from '../reveal/reveal-plan.ts';

/**
 * identify → name the account → match → decide → prepare the reveals, one step after another. A step that stops the request returns
 * its Admission; `'allowed' in` tells it from the state the next step goes on with. Only the
 * identifier (a JWT's key set) and the store may answer later: the memory store and API keys
 * answer synchronously, and awaiting only a promise spares those a microtask each.
 */
export async function admitRequest(ctx: AdmitContext, req: PlainRequest): Promise<Admission> {
  const s = routeStep(ctx, req);
  if ('allowed' in s) return s;
  const identified = identifyStep(ctx, s);
  const refusal =
    (identified instanceof Promise ? await identified : identified) ??
    authorize(s) ??
    checkBodyShape(s) ??
    checkBatch(s);
  if (refusal !== undefined) return refusal;
  if (ctx.accounts !== undefined) {
    const named = accountStep(ctx.accounts, s, ctx.clock.now());
    if (named instanceof Promise) await named;
  }
  const checks = limitChecks(ctx, s);
  if ('allowed' in checks) return checks;
  let batch: RiskedOutcome;
  try {
    const answer = consume(ctx, s, checks);
    batch = answer instanceof Promise ? await answer : answer;
  } catch (err) {
    return storeUnavailable(ctx, s, err);
  }
  let reveal: RevealPlan | undefined;
  try {
    reveal = batch.allowed ? await revealStep(ctx, s) : undefined;
  } catch (err) {
    return storeUnavailable(ctx, s, err);
  }
  return verdict(ctx, s, batch, reveal);
}
