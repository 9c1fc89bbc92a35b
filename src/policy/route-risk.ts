import { buildDetect } from './detect-section.ts';
import type { Environment } from './environment.ts';
import { buildEgress, EGRESS_BYTES_LIMIT_ID, EGRESS_LIMIT_ID } from './egress-section.ts';
import type { RawIssue } from './issues.ts';
import type { RouteDocument } from './schema.ts';
import type { CompiledLimit, RouteDetectors, RouteEgress } from './types.ts';
import type { PathSegment } from './values.ts';

/**
 * A route's risk wiring: the targets its detectors read, the detectors, the egress rule, and
 * the checks that tie them to the policy's `risk:` section (signals need a score to add to,
 * trust and per-identity counts need the risk identity).
 */
export interface RouteRisk {
  readonly targets: string | undefined;
  readonly detect: RouteDetectors | undefined;
  readonly egress: RouteEgress | undefined;
}

export interface RouteRiskContext {
  readonly hasRisk: boolean;
  readonly env: Environment;
}

export function buildRouteRisk(
  route: RouteDocument,
  at: readonly PathSegment[],
  limits: readonly CompiledLimit[],
  ctx: RouteRiskContext,
  issues: RawIssue[],
): RouteRisk {
  // The lookup targets: written, else what a distinct limit or the batch cap already counts.
  const targets =
    route.targets ?? limits.find((l) => l.distinct !== undefined)?.distinct?.pointer ?? route.batch?.pointer;

  let detect: RouteDetectors | undefined;
  if (route.detect !== undefined) {
    const detectAt = [...at, 'detect'];
    if (!ctx.hasRisk) {
      issues.push({ path: detectAt, message: 'detect needs a risk section: signals add to a risk score' });
    }
    if (targets === undefined) {
      issues.push({
        path: detectAt,
        message: "detect needs the request's targets: set targets, a distinct limit or batch",
      });
    }
    if (route.detect.hitRatio !== undefined && route.egress === undefined) {
      issues.push({
        path: [...detectAt, 'hitRatio'],
        message: 'hitRatio needs egress.records: the hits are the records the answer lists',
      });
    }
    detect = buildDetect(route.detect, detectAt, ctx.env, issues);
  }

  let egress: RouteEgress | undefined;
  if (route.egress !== undefined) {
    const egressAt = [...at, 'egress'];
    const doc = route.egress;
    if (doc.strip.length > 0 && doc.stripWhen === 'untrusted' && !ctx.hasRisk) {
      issues.push({
        path: [...egressAt, 'stripWhen'],
        message:
          'stripWhen "untrusted" (the default) needs a risk section, which says who is trusted; add one or set stripWhen: always',
      });
    }
    const quotas = [
      { key: 'perIdentity', id: EGRESS_LIMIT_ID, what: 'records', set: doc.perIdentity !== undefined },
      {
        key: 'perIdentityBytes',
        id: EGRESS_BYTES_LIMIT_ID,
        what: 'bytes',
        set: doc.perIdentityBytes !== undefined,
      },
    ] as const;
    for (const q of quotas) {
      if (!q.set) continue;
      if (!ctx.hasRisk) {
        issues.push({
          path: [...egressAt, q.key],
          message: `${q.key} needs a risk section: ${q.what} are counted per risk.identity`,
        });
      }
      const taken = limits.findIndex((l) => l.spec.id === `${route.id}/${q.id}`);
      if (taken !== -1) {
        issues.push({
          path: [...at, 'limits', taken, 'id'],
          message: `limit id "${q.id}" is taken by egress.${q.key} on this route; rename the limit`,
        });
      }
    }
    egress = buildEgress(doc, route.id);
  }
  return { targets, detect, egress };
}
