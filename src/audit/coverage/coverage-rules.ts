import type { AuditRule } from '../finding.ts';

/** The rules `audit coverage` reports under. */
export const COVERAGE_RULES = {
  guarded: {
    id: 'EG-COV-GUARDED',
    title: 'Lookup guarded by the policy',
    severity: 'info',
    reason:
      'The operation is enumeration-prone and the policy route it reaches limits it per caller and per identifier.',
    fix: 'Nothing to fix; the finding lists what guards it so a review can see the layers.',
  },
  unguarded: {
    id: 'EG-COV-UNGUARDED',
    title: 'Lookup the policy does not guard',
    severity: 'high',
    reason:
      'An enumeration-prone operation (a lookup oracle, or a sign-in/sign-up/reset that reveals existence) reaches ' +
      'no route, or a route with no limit: through the gateway it is as open as without it.',
    fix:
      'Add a route that matches the operation, with a per-identity limit that counts identifiers (`distinct:` or ' +
      '`cost:` on the batch pointer), a batch cap, detectors and egress rules (docs/policy.md).',
  },
  weak: {
    id: 'EG-COV-WEAK',
    title: 'Lookup guarded only partly',
    severity: 'medium',
    reason:
      'The route limits the operation, but not per caller (only per address or shared), or charges a batch as one ' +
      'request, so one caller with many addresses, or large batches, still walks the identifier space.',
    fix: 'Key a limit by identity or account and charge it per identifier: `distinct: /pointer` or `cost: /pointer`.',
  },
  deadRoute: {
    id: 'EG-COV-DEAD-ROUTE',
    title: 'Policy route matches no operation',
    severity: 'low',
    reason:
      'A route no operation of the spec reaches is either stale, or spelled differently from the API (a typo in the ' +
      'path leaves the real operation unguarded).',
    fix: "Fix the route's path or method to the operation's, or remove it.",
  },
  unmatchedAllow: {
    id: 'EG-COV-UNMATCHED-ALLOW',
    title: 'Unmatched requests pass with no limit',
    severity: 'medium',
    reason:
      'With `unmatched: allow`, any operation no route matches (a new endpoint, a renamed path) goes to the upstream ' +
      'with no limit at all.',
    fix: 'Set `unmatched: deny` and give every operation a route (a catch-all `/*` route with a modest limit last).',
  },
  pathSpelling: {
    id: 'EG-COV-PATH-SPELLING',
    title: 'A path spelling slips past the route',
    severity: 'high',
    reason:
      'Another spelling of the same path (trailing slash, case, "//", percent-encoding, dot segments) reaches ' +
      'another route or none in the gateway, while the upstream may serve it as the same operation.',
    fix: 'Write the route to match every spelling the upstream accepts (patterns match case-insensitively and ignore one trailing slash), or normalize paths in front of the gateway.',
  },
} as const satisfies Record<string, AuditRule>;
