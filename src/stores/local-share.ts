import type { LimitCheck, LimitOutcome, LimitSpec } from '../core/limit.ts';
import type { RiskedOutcome } from './store.ts';

/**
 * This instance's share of a limit, for the in-process insurance limiter: `limit` and `burst`
 * divided by the number of instances, rounded up and at least 1, so N instances that all fell
 * back together allow about the global limit (at most N - 1 units more, from the rounding).
 */
export function shareOf(spec: LimitSpec, instances: number): LimitSpec {
  if (instances === 1) return spec;
  return {
    ...spec,
    limit: Math.max(1, Math.ceil(spec.limit / instances)),
    burst: Math.max(1, Math.ceil(spec.burst / instances)),
  };
}

/**
 * Rewrites checks to their local share. `instances` is read per call: the gateways' heartbeat
 * (instance-heartbeat.ts) may change it while the process runs. The shares are computed once
 * per spec object and instance count.
 */
export function createShareMapper(instances: () => number): (checks: readonly LimitCheck[]) => LimitCheck[] {
  // Specs come from the compiled policy and live as long as it does: a WeakMap forgets the
  // shares of a policy that was reloaded away. A new count starts a new map.
  let shares = new WeakMap<LimitSpec, LimitSpec>();
  let sharedBy = 1;
  return (checks) => {
    const n = instances();
    if (n !== sharedBy) {
      shares = new WeakMap();
      sharedBy = n;
    }
    return checks.map((check) => {
      let spec = shares.get(check.spec);
      if (spec === undefined) {
        spec = shareOf(check.spec, n);
        shares.set(check.spec, spec);
      }
      return spec === check.spec ? check : { ...check, spec };
    });
  };
}

/**
 * The answer of `allow` mode: every check allowed with its whole limit remaining, uncharged,
 * and marked `fallback: 'allow'` so nobody mistakes it for the store's answer.
 */
export function allowAll(checks: readonly LimitCheck[]): RiskedOutcome {
  const outcomes = checks.map((check): LimitOutcome => ({
    spec: check.spec,
    key: check.key,
    allowed: true,
    remaining: check.spec.limit,
    resetMs: 0,
    retryAfterMs: 0,
  }));
  return { allowed: true, outcomes, fallback: 'allow' };
}
