import type { AuditFinding, AuditRule } from '../../finding.ts';
import type { SpecRule } from './rule-kit.ts';
import { operationFinding } from './rule-kit.ts';

const rule: AuditRule = {
  id: 'EG-NO-429',
  title: 'Lookup declares no 429 answer',
  severity: 'medium',
  reason:
    'A lookup with no 429 Too Many Requests answer (RFC 6585 section 4) declares no rate limit: either none ' +
    'exists, as on the 2024 WhatsApp API, or clients and reviewers cannot tell that one does.',
  fix:
    'Limit the lookup per identity and per distinct identifier asked, and declare the 429 answer with its ' +
    'Retry-After header (RFC 9110 section 10.2.3) and a problem+json body (RFC 9457).',
};

export const no429Rule: SpecRule = {
  rule,
  check(facts, ctx): AuditFinding[] {
    if (!facts.lookup) return [];
    // "4XX" and "default" may carry a 429 but declare no limit.
    if (facts.op.responses.some((r) => r.status === '429')) return [];
    return [
      operationFinding(rule, facts, ctx, 'the lookup declares no 429 answer: no rate limit is documented'),
    ];
  },
};
