import type { AuditFinding, AuditRule } from '../../finding.ts';
import type { SpecRule } from './rule-kit.ts';
import { operationFinding } from './rule-kit.ts';

const rule: AuditRule = {
  id: 'EG-NO-AUTH',
  title: 'Lookup without authentication',
  severity: 'high',
  reason:
    'A lookup anyone may call without credentials cannot be limited per identity: limits fall back to IP ' +
    'addresses, which scrapers rotate by the thousand. Least privilege asks for verified, scoped identities.',
  fix:
    "Require a security scheme on the operation (and do not override the document's security with `security: []`); " +
    'give lookups their own scope, and limit per identity.',
};

export const noAuthRule: SpecRule = {
  rule,
  check(facts, ctx): AuditFinding[] {
    if (!facts.lookup) return [];
    const { security } = facts.op;
    if (security === 'required') return [];
    const message =
      security === 'overridden'
        ? "the lookup overrides the document's security with `security: []`: anyone may call it"
        : security === 'optional'
          ? "the lookup's security is optional (an empty requirement `{}`): anonymous callers may use it"
          : 'the lookup declares no security requirement: anyone may call it';
    return [
      operationFinding(rule, facts, ctx, message, {
        severity: security === 'optional' ? 'medium' : 'high',
        evidence: { security },
      }),
    ];
  },
};
