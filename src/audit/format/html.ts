import type { AuditFinding, AuditReport } from '../finding.ts';
import { severityCounts } from './fail-on.ts';

/** Text for HTML element content and quoted attribute values (HTML Living Standard 13.1.2.6). */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1b1f24;background:#fff}
h1{font-size:1.3rem}h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #d8dee4;vertical-align:top}
th{background:#f6f8fa}code{font:12px ui-monospace,monospace}
.sev{font-weight:600;text-transform:uppercase;font-size:12px;padding:.1rem .35rem;border-radius:3px;color:#fff}
.critical{background:#8b0000}.high{background:#c9372c}.medium{background:#b86e00}.low{background:#476582}.info{background:#6e7781}
.counts span{margin-right:1rem}dl{margin:0}dt{font-weight:600;margin-top:.6rem}dd{margin:0 0 0 1rem}
`;

function findingRow(f: AuditFinding): string {
  const { file, line, subject } = f.location;
  const at = file === undefined ? '' : `${file}${line === undefined ? '' : `:${line}`}`;
  const evidence = Object.entries(f.evidence ?? {})
    .map(([k, v]) => `${escapeHtml(k)}: ${escapeHtml(String(v))}`)
    .join('<br>');
  return (
    `<tr><td><span class="sev ${f.severity}">${f.severity}</span></td>` +
    `<td><code>${escapeHtml(f.ruleId)}</code></td>` +
    `<td><code>${escapeHtml(at)}</code><br>${escapeHtml(subject ?? '')}</td>` +
    `<td>${escapeHtml(f.message)}${evidence === '' ? '' : `<br><small>${evidence}</small>`}</td></tr>`
  );
}

/**
 * One self-contained HTML file: inline CSS, no script, no external resource, so it opens
 * offline and as a CI artifact. Every value from the spec or policy is escaped, since an
 * operation's summary or path is text someone else wrote.
 */
export function renderHtml(report: AuditReport): string {
  const counts = severityCounts(report);
  const summary = Object.entries(report.summary ?? {})
    .map(([k, v]) => `<span>${escapeHtml(k)}: <b>${escapeHtml(String(v))}</b></span>`)
    .join('');
  const fired = report.rules.filter((r) => report.findings.some((f) => f.ruleId === r.id));
  const title = `enumguard audit ${report.tool}: ${report.target}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="counts">${Object.entries(counts)
    .map(([s, n]) => `<span><span class="sev ${s}">${s}</span> ${n}</span>`)
    .join('')}</p>
<p class="counts">${summary}</p>
<h2>Findings</h2>
${
  report.findings.length === 0
    ? '<p>No findings.</p>'
    : `<table><thead><tr><th>severity</th><th>rule</th><th>where</th><th>finding</th></tr></thead><tbody>
${report.findings.map(findingRow).join('\n')}
</tbody></table>`
}
<h2>Rules</h2>
<dl>
${(fired.length > 0 ? fired : report.rules)
  .map(
    (r) =>
      `<dt><code>${escapeHtml(r.id)}</code> ${escapeHtml(r.title)} <span class="sev ${r.severity}">${r.severity}</span></dt>` +
      `<dd>${escapeHtml(r.reason)}<br><b>Fix:</b> ${escapeHtml(r.fix)}</dd>`,
  )
  .join('\n')}
</dl>
</body>
</html>
`;
}
