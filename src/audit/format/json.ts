import type { AuditReport } from '../finding.ts';

/**
 * `--format json`: the AuditReport of src/audit/finding.ts as it is, so tools (and
 * bench/audit-compare.ts) read one documented shape: { tool, target, rules, findings, summary }.
 */
export function renderJson(report: AuditReport): string {
  return JSON.stringify(report, null, 2);
}
