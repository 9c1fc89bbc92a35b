import { escapeHtml } from './html.ts';
import { columnName, dur, refusalCauseRows, scorecardRows, type PolicyRun } from './report.ts';
import type { Series } from './series.ts';
import { barChart, colorOf, lineChart, type Line } from './svg-chart.ts';

export interface HtmlReportInput {
  readonly scenario: string;
  readonly seed: number;
  /** What the runs drove: "in process, virtual time" or the --http URL. */
  readonly target?: string;
  readonly runs: readonly PolicyRun[];
}

/**
 * One self-contained HTML file: inline CSS and inline SVG, no script, no external asset, and
 * a Content-Security-Policy that forbids fetching any, so the report opens offline and can be
 * attached to a ticket as is. Every piece of text from the run is escaped.
 */
export function htmlReport(input: HtmlReportInput): string {
  const { runs } = input;
  const title = `enumguard simulate: ${input.scenario}`;
  const xMaxMs = Math.max(1, ...runs.map((r) => r.scorecard.cost.virtualMs));
  const lines = (pick: (s: Series) => readonly number[]): Line[] =>
    runs.map((r) => ({
      name: columnName(r),
      points: points(r.scorecard.series, pick, r.scorecard.cost.virtualMs),
    }));
  const stopped = runs.filter((r) => r.stoppedEarly);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="meta">scenario <b>${escapeHtml(input.scenario)}</b>, seed ${escapeHtml(String(input.seed))}${
    input.target ? `, ${escapeHtml(input.target)}` : ''
  }, ${runs.length} run${runs.length === 1 ? '' : 's'}</p>
${
  stopped.length > 0
    ? `<p class="warn">Stopped early (Ctrl-C): ${stopped.map((r) => escapeHtml(r.policy)).join(', ')}. Their figures cover only the virtual time they ran.</p>\n`
    : ''
}${table(runs, 'metric', scorecardRows(runs))}
<h2>Legit users refused by cause</h2>
${causes(runs)}
<h2>Accounts revealed to attackers over virtual time</h2>
${lineChart({ title: 'Accounts revealed to attackers', lines: lines((s) => s.revealed), xMaxMs, log: true })}
${legend(runs)}
<h2>Legit sync requests denied over virtual time</h2>
${lineChart({ title: 'Legit sync requests denied', lines: lines((s) => s.legitDenied), xMaxMs, log: true })}
${legend(runs)}
<h2>Discovery delay of legit syncs</h2>
${barChart({
  title: 'Discovery delay percentiles',
  groups: ['p50', 'p95', 'p99'],
  series: runs.map((r) => ({
    name: columnName(r),
    values: [r.scorecard.legit.delayP50Ms, r.scorecard.legit.delayP95Ms, r.scorecard.legit.delayP99Ms],
  })),
  format: dur,
})}
${legend(runs)}
<h2>When registered contacts were first revealed</h2>
<p class="meta">From each sync's start, per contact: those who hold the user's number, and the others. No bar: the percentile falls among contacts never revealed in the run ("&gt; run"), or none were timed.</p>
${barChart({
  title: 'Contact reveal delay percentiles',
  groups: ['holds number p50', 'holds number p99', 'other p50', 'other p99'],
  series: runs.map((r) => {
    const { mutual, other } = r.scorecard.legit.contactDelay;
    return { name: columnName(r), values: [mutual.p50Ms, mutual.p99Ms, other.p50Ms, other.p99Ms] };
  }),
  format: dur,
})}
${legend(runs)}
<p class="meta">Cumulative counts are sampled every ${escapeHtml(dur(runs[0]?.scorecard.series.bucketMs ?? 0))} of virtual time (per run: the JSON report has the series).</p>
</body>
</html>
`;
}

/** Each bucket's cumulative count at the bucket's end (the last one at the run's end), from (0, 0). */
function points(
  series: Series,
  pick: (s: Series) => readonly number[],
  virtualMs: number,
): [number, number][] {
  const out: [number, number][] = [[0, 0]];
  pick(series).forEach((v, i) => out.push([Math.min((i + 1) * series.bucketMs, virtualMs), v]));
  return out;
}

/** Legit users refused by cause, or a line saying none were. */
function causes(runs: readonly PolicyRun[]): string {
  const rows = refusalCauseRows(runs);
  return rows.length === 0 ? '<p>No legit user was refused.</p>' : table(runs, 'cause', rows);
}

function table(
  runs: readonly PolicyRun[],
  first: string,
  rows: { label: string; cells: string[] }[],
): string {
  const head = runs
    .map(
      (r, i) =>
        `<th><span class="swatch" style="background:${colorOf(i)}"></span>${escapeHtml(columnName(r))}</th>`,
    )
    .join('');
  const body = rows
    .map(
      ({ label, cells }) =>
        `<tr><th scope="row"${label.startsWith(' ') ? ' class="sub"' : ''}>${escapeHtml(label.trim())}</th>${cells
          .map((c) => `<td>${escapeHtml(c)}</td>`)
          .join('')}</tr>`,
    )
    .join('\n');
  return `<table>\n<thead><tr><th>${escapeHtml(first)}</th>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

function legend(runs: readonly PolicyRun[]): string {
  return `<ul class="legend">${runs
    .map(
      (r, i) =>
        `<li><span class="swatch" style="background:${colorOf(i)}"></span>${escapeHtml(columnName(r))}</li>`,
    )
    .join('')}</ul>`;
}

const CSS = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; }
h1 { font-size: 1.4rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.1rem; margin-top: 2rem; }
.meta { color: #666; }
.warn { background: #fff4e5; border-left: 4px solid #ff7f0e; padding: 0.5rem 0.8rem; }
table { border-collapse: collapse; margin-top: 1rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.3rem 0.8rem; text-align: right; font-variant-numeric: tabular-nums; }
th[scope=row], thead th:first-child { text-align: left; font-weight: normal; }
th.sub { padding-left: 1.8rem; color: #555; }
thead th { border-bottom: 2px solid #999; }
svg { max-width: 100%; height: auto; font-size: 11px; fill: #444; }
svg text.axis { fill: #777; }
.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 1rem; }
.swatch { display: inline-block; width: 0.8rem; height: 0.8rem; margin-right: 0.35rem; vertical-align: -0.05rem; border-radius: 2px; }
`;
