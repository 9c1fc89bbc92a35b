import type { AuditFinding, AuditRule } from '../../finding.ts';
import type { SpecRule } from './rule-kit.ts';
import { operationFinding } from './rule-kit.ts';

/**
 * Headers that tell a client it is limited: Retry-After (RFC 9110 section 10.2.3), RateLimit and
 * RateLimit-Policy (draft-ietf-httpapi-ratelimit-headers), and the older X-RateLimit-* family.
 */
const LIMIT_HEADER =
  /^(retry-after|ratelimit|ratelimit-policy|ratelimit-(limit|remaining|reset)|x-ratelimit-.+|x-rate-limit-.+)$/;

const rule: AuditRule = {
  id: 'EG-NO-RATELIMIT-HEADERS',
  title: 'Lookup declares no rate-limit headers',
  severity: 'low',
  reason:
    'No answer of the lookup declares Retry-After, RateLimit, RateLimit-Policy or X-RateLimit-* headers: clients ' +
    'cannot back off when limited, so a limit, if any, hurts real users more than it needs to.',
  fix:
    'Declare Retry-After on the 429 answer at least. RateLimit and RateLimit-Policy ' +
    "(draft-ietf-httpapi-ratelimit-headers) may be left off on enumeration-sensitive routes, as the draft's " +
    'security section allows, so scrapers cannot read the remaining budget.',
};

export const noRateLimitHeadersRule: SpecRule = {
  rule,
  check(facts, ctx): AuditFinding[] {
    if (!facts.lookup) return [];
    if (facts.op.responses.some((r) => r.headers.some((h) => LIMIT_HEADER.test(h)))) return [];
    return [
      operationFinding(rule, facts, ctx, 'no answer of the lookup declares Retry-After or RateLimit headers'),
    ];
  },
};
