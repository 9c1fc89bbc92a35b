import { SEVERITIES, severityRank, type AuditReport, type Severity } from '../finding.ts';

/** `--fail-on`: a severity, or "none" to never fail on findings. */
export type FailOn = Severity | 'none';
export const FAIL_ON_VALUES: readonly FailOn[] = [...SEVERITIES, 'none'];
/** Fail on high and critical findings unless told otherwise (issue 15). */
export const DEFAULT_FAIL_ON: FailOn = 'high';

export function parseFailOn(raw: string): FailOn | undefined {
  return FAIL_ON_VALUES.find((v) => v === raw.toLowerCase());
}

/** The findings at or above the threshold. */
export function failingFindings(report: AuditReport, failOn: FailOn): number {
  if (failOn === 'none') return 0;
  const floor = severityRank(failOn);
  return report.findings.filter((f) => severityRank(f.severity) >= floor).length;
}

/** Exit status of an audit: 1 when any finding is at or above `failOn`, else 0 (2 is for usage errors). */
export function exitCodeFor(report: AuditReport, failOn: FailOn): 0 | 1 {
  return failingFindings(report, failOn) > 0 ? 1 : 0;
}

/** Findings per severity, most severe first: { critical: 1, high: 0, ... }. */
export function severityCounts(report: AuditReport): Record<Severity, number> {
  const counts = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const f of report.findings) counts[f.severity]++;
  return counts;
}
