import type { AuditFinding, AuditRule, Severity } from '../../finding.ts';
import type { PositionMap } from '../json-positions.ts';
import type { OperationFacts } from '../facts.ts';

/** What a rule sees besides the operation: the file and where things were written in it. */
export interface RuleContext {
  readonly file: string;
  readonly positions: PositionMap;
}

/** A spec rule: its description, and a check run once per operation. */
export interface SpecRule {
  readonly rule: AuditRule;
  check(facts: OperationFacts, ctx: RuleContext): AuditFinding[];
}

/** "POST /v1/contacts/discover (discoverContacts)": method, path and operationId. */
export function subjectOf(facts: OperationFacts): string {
  const { op } = facts;
  return `${op.method} ${op.path}${op.operationId === undefined ? '' : ` (${op.operationId})`}`;
}

/** A finding located at the operation's line in the spec file. */
export function operationFinding(
  rule: AuditRule,
  facts: OperationFacts,
  ctx: RuleContext,
  message: string,
  options: {
    severity?: Severity;
    evidence?: Record<string, string | number | boolean>;
    pointer?: string;
  } = {},
): AuditFinding {
  const pointer = options.pointer ?? facts.op.pointer;
  const at = ctx.positions.get(pointer) ?? ctx.positions.get(facts.op.pointer);
  return {
    ruleId: rule.id,
    severity: options.severity ?? rule.severity,
    message,
    location: {
      file: ctx.file,
      line: at?.line,
      column: at?.column,
      subject: subjectOf(facts),
      pointer,
    },
    ...(options.evidence === undefined ? {} : { evidence: options.evidence }),
  };
}

/** "phone numbers", "an email" ...: the kinds of the identifiers, for messages. */
export function describeInputs(facts: OperationFacts, onlyEnumerable = false): string {
  const kinds = new Set(facts.inputs.filter((i) => !onlyEnumerable || !i.opaque).map((i) => i.kind));
  const label: Record<string, string> = {
    phone: 'phone numbers',
    email: 'email addresses',
    username: 'usernames',
    'account-id': 'account ids',
    'search-term': 'search terms over accounts',
  };
  return [...kinds].map((k) => label[k] ?? k).join(', ');
}
