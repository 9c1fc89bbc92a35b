import type { AuditFinding, AuditRule } from '../../finding.ts';
import type { SpecRule } from './rule-kit.ts';
import { describeInputs, operationFinding } from './rule-kit.ts';

/**
 * EG-ORACLE: the operation answers, per identifier someone else owns, whether it exists or
 * what is behind it. That is the 2024 WhatsApp flaw: an oracle walked over a number space.
 */
const rule: AuditRule = {
  id: 'EG-ORACLE',
  title: 'Identifier lookup oracle',
  severity: 'high',
  reason:
    'The operation takes a phone number, email, username or guessable account id and answers, per identifier, ' +
    'whether it exists or what is behind it. Walked over a number space or a leaked list, it enumerates accounts: ' +
    '3.5 billion WhatsApp accounts were enumerated this way in 2024. A batch of phone numbers or emails per request ' +
    'multiplies the rate (critical).',
  fix:
    'Protect it as an enumeration target: authenticated callers only, a per-identity limit on distinct identifiers ' +
    'asked (not on requests), a small batch cap, detectors for low hit ratios and dense number ranges, and answers ' +
    "that reveal profile data only to contacts. enumguard's gateway does this per route (docs/policy.md); " +
    '`enumguard audit coverage` checks that a policy covers the operation.',
};

export const oracleRule: SpecRule = {
  rule,
  check(facts, ctx): AuditFinding[] {
    if (!facts.oracle) return [];
    const enumerable = facts.inputs.filter((i) => !i.opaque);
    const batch = enumerable.find((i) => i.batch && (i.kind === 'phone' || i.kind === 'email'));
    const first = batch ?? enumerable[0];
    if (first === undefined) return [];
    const what = describeInputs(facts, true);
    const how = facts.answerSignals.join('; ');
    const message = batch
      ? `batch lookup oracle: takes a list of ${what} (${batch.where} ${batch.name}) and answers per identifier: ${how}`
      : `lookup oracle: takes ${what} (${first.where} ${first.name}, by ${first.by}) and answers per identifier: ${how}`;
    return [
      operationFinding(rule, facts, ctx, message, {
        severity: batch ? 'critical' : 'high',
        evidence: {
          identifier: first.name,
          kind: first.kind,
          in: first.where,
          recognizedBy: first.by,
          batch: batch !== undefined,
          answer: how,
          ...(facts.op.summary === '' ? {} : { summary: facts.op.summary.slice(0, 160) }),
        },
      }),
    ];
  },
};
