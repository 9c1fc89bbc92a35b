import type { AuditFinding, AuditReport } from '../finding.ts';
import { severityCounts } from './fail-on.ts';

function where(f: AuditFinding): string {
  const { file, line, subject } = f.location;
  const at = file === undefined ? '' : line === undefined ? file : `${file}:${line}`;
  return [at, subject].filter((s) => s !== undefined && s !== '').join(' ');
}

/**
 * The report for a terminal or a CI log: one block per finding, most severe first, then the
 * fix of each rule that fired, once, and a count per severity.
 */
export function renderText(report: AuditReport): string {
  const lines: string[] = [];
  const summary = Object.entries(report.summary ?? {})
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(', ');
  lines.push(`enumguard audit ${report.tool}: ${report.target}${summary === '' ? '' : ` (${summary})`}`);
  lines.push('');
  for (const f of report.findings) {
    lines.push(`${f.severity.toUpperCase().padEnd(8)} ${f.ruleId}  ${where(f)}`);
    lines.push(`         ${f.message}`);
  }
  const fired = report.rules.filter((r) => report.findings.some((f) => f.ruleId === r.id));
  if (fired.length > 0) {
    lines.push('', 'How to fix:');
    for (const r of fired) lines.push(`  ${r.id} (${r.title}): ${r.fix}`);
  }
  const counts = severityCounts(report);
  const total = report.findings.length;
  const parts = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  if (total > 0) lines.push('');
  lines.push(total === 0 ? 'no findings' : `${total} finding${total === 1 ? '' : 's'}: ${parts.join(', ')}`);
  return lines.join('\n');
}
