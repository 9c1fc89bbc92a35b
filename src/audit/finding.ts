/**
 * What every audit command reports (issue 15): `audit spec`, `audit coverage` and
 * `audit probe` produce findings of this shape, and one set of formatters (text, JSON,
 * SARIF 2.1.0, HTML) prints them.
 */

/** Mildest first; `--fail-on <severity>` fails the run at that severity and above. */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** A rule every finding names: stable id ("EG-ORACLE-001"), what it detects and why it matters. */
export interface AuditRule {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  /** Why this matters for enumeration, in a sentence or two. */
  readonly reason: string;
  /** What to change to fix it. */
  readonly fix: string;
  /** A link to docs (docs/audit.md#<anchor>), for SARIF helpUri. */
  readonly helpUri?: string | undefined;
}

/** Where a finding points: a file and line (1-based), and the operation or route it concerns. */
export interface AuditLocation {
  readonly file?: string | undefined;
  readonly line?: number | undefined;
  readonly column?: number | undefined;
  /** "POST /v1/discover" or an operationId, or a policy route id. */
  readonly subject?: string | undefined;
  /** JSON pointer inside the spec, e.g. "/paths/~1v1~1discover/post". */
  readonly pointer?: string | undefined;
}

export interface AuditFinding {
  readonly ruleId: string;
  /** The rule's severity unless the finding raises or lowers it (e.g. a batch with no maxItems). */
  readonly severity: Severity;
  readonly message: string;
  readonly location: AuditLocation;
  /** Extra facts for JSON/HTML (e.g. { maxItems: 5000 }); no secrets. */
  readonly evidence?: Readonly<Record<string, string | number | boolean>> | undefined;
}

/** One command's whole result: what was audited, by which tool, the rules used and the findings. */
export interface AuditReport {
  readonly tool: 'spec' | 'coverage' | 'probe';
  /** What was audited: spec path, policy+spec paths, or the base URL. */
  readonly target: string;
  readonly rules: readonly AuditRule[];
  readonly findings: readonly AuditFinding[];
  /** Command-specific summary lines for text/HTML (e.g. the probe's sustained rate). */
  readonly summary?: Readonly<Record<string, string | number | boolean>> | undefined;
}

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}
