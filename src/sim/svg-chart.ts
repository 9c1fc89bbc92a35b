import { escapeHtml } from './html.ts';

/**
 * Inline SVG charts for the HTML report, drawn by hand so the report needs no script, library
 * or network: a line chart of cumulative counts over virtual time, and grouped bars.
 */
export const PALETTE = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
];
export const colorOf = (i: number): string => PALETTE[i % PALETTE.length] as string;

const W = 760;
const H = 300;
const M = { left: 72, right: 16, top: 12, bottom: 36 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;

export interface Line {
  readonly name: string;
  /** [virtual ms, value], in time order. */
  readonly points: readonly (readonly [number, number])[];
}

export interface LineChartOptions {
  readonly title: string;
  readonly lines: readonly Line[];
  readonly xMaxMs: number;
  /** log10(1 + y): keeps ~1M and ~1k on one chart, and 0 on the axis. */
  readonly log: boolean;
}

const fmt = (n: number): string => Number(n.toFixed(1)).toString();
const compact = (n: number): string =>
  n >= 1e6 ? `${fmt(n / 1e6)}M` : n >= 1e3 ? `${fmt(n / 1e3)}k` : fmt(n);

/** Steps of 1, 2 or 5 × 10^k giving about `target` ticks up to max. */
export function niceStep(max: number, target = 6): number {
  if (!(max > 0)) return 1;
  const raw = max / target;
  const pow = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}

const TIME_UNITS = [
  [86_400_000 * 2, 86_400_000, 'd'],
  [3_600_000 * 2, 3_600_000, 'h'],
  [60_000 * 2, 60_000, 'min'],
  [0, 1000, 's'],
] as const;

function timeTicks(maxMs: number): { at: number; label: string }[] {
  const [, unit, name] = TIME_UNITS.find(([min]) => maxMs >= min) ?? TIME_UNITS[3];
  const step = niceStep(maxMs / unit) * unit;
  const ticks = [];
  for (let t = 0; t <= maxMs + 1e-9; t += step) ticks.push({ at: t, label: `${fmt(t / unit)} ${name}` });
  return ticks;
}

function valueTicks(max: number, log: boolean): number[] {
  const out = [0];
  if (log) {
    // Powers of ten up to the first at or above max.
    for (let v = 1; ; v *= 10) {
      out.push(v);
      if (v >= max) break;
    }
    return out;
  }
  const step = niceStep(max);
  for (let v = step; v < max + step; v += step) out.push(v);
  return out;
}

const frame = (title: string, inner: string): string =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(title)}">` +
  `<title>${escapeHtml(title)}</title>${inner}</svg>`;

function yAxis(ticks: readonly number[], y: (v: number) => number, label: (v: number) => string): string {
  return ticks
    .map((v) => {
      const py = fmt(y(v));
      return (
        `<line x1="${M.left}" x2="${M.left + PW}" y1="${py}" y2="${py}" stroke="#e5e5e5"/>` +
        `<text x="${M.left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${escapeHtml(label(v))}</text>`
      );
    })
    .join('');
}

export function lineChart(o: LineChartOptions): string {
  const xMax = Math.max(1, o.xMaxMs);
  const max = Math.max(1, ...o.lines.flatMap((l) => l.points.map(([, v]) => v)));
  const ticks = valueTicks(max, o.log);
  const top = ticks.at(-1) as number;
  const scale = (v: number): number => (o.log ? Math.log10(1 + v) : v);
  const x = (t: number): number => M.left + (Math.min(t, xMax) / xMax) * PW;
  const y = (v: number): number => M.top + PH - (scale(v) / scale(top)) * PH;
  const xTicks = timeTicks(xMax)
    .map(
      ({ at, label }) =>
        `<line x1="${fmt(x(at))}" x2="${fmt(x(at))}" y1="${M.top + PH}" y2="${M.top + PH + 4}" stroke="#888"/>` +
        `<text x="${fmt(x(at))}" y="${M.top + PH + 18}" text-anchor="middle">${escapeHtml(label)}</text>`,
    )
    .join('');
  const paths = o.lines
    .map((l, i) => {
      if (l.points.length === 0) return '';
      const d = l.points.map(([t, v], j) => `${j === 0 ? 'M' : 'L'}${fmt(x(t))},${fmt(y(v))}`).join('');
      return `<path d="${d}" fill="none" stroke="${colorOf(i)}" stroke-width="2"><title>${escapeHtml(l.name)}</title></path>`;
    })
    .join('');
  return frame(
    o.title,
    yAxis(ticks, y, compact) +
      `<line x1="${M.left}" x2="${M.left + PW}" y1="${M.top + PH}" y2="${M.top + PH}" stroke="#888"/>` +
      xTicks +
      paths +
      `<text x="${M.left + PW}" y="${H - 4}" text-anchor="end" class="axis">virtual time${o.log ? '; log scale' : ''}</text>`,
  );
}

export interface BarChartOptions {
  readonly title: string;
  /** Group labels along x, e.g. p50, p95, p99. */
  readonly groups: readonly string[];
  /** One bar per series in every group; null draws no bar and says "n/a". */
  readonly series: readonly { readonly name: string; readonly values: readonly (number | null)[] }[];
  readonly format: (v: number) => string;
}

export function barChart(o: BarChartOptions): string {
  const max = Math.max(1, ...o.series.flatMap((s) => s.values.map((v) => v ?? 0)));
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  const ticks = Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
  const y = (v: number): number => M.top + PH - (v / top) * PH;
  const groupW = PW / Math.max(1, o.groups.length);
  const barW = (groupW * 0.8) / Math.max(1, o.series.length);
  const bars = o.groups
    .map((g, gi) => {
      const gx = M.left + gi * groupW + groupW * 0.1;
      const inner = o.series
        .map((s, si) => {
          const v = s.values[gi] ?? null;
          const bx = fmt(gx + si * barW);
          const cx = fmt(gx + si * barW + barW / 2);
          if (v === null) return `<text x="${cx}" y="${M.top + PH - 4}" text-anchor="middle">n/a</text>`;
          const label = escapeHtml(`${s.name}: ${o.format(v)}`);
          return (
            `<rect x="${bx}" y="${fmt(y(v))}" width="${fmt(barW * 0.9)}" height="${fmt(M.top + PH - y(v))}" fill="${colorOf(si)}"><title>${label}</title></rect>` +
            `<text x="${cx}" y="${fmt(y(v) - 4)}" text-anchor="middle">${escapeHtml(o.format(v))}</text>`
          );
        })
        .join('');
      return (
        inner +
        `<text x="${fmt(M.left + gi * groupW + groupW / 2)}" y="${M.top + PH + 18}" text-anchor="middle">${escapeHtml(g)}</text>`
      );
    })
    .join('');
  return frame(
    o.title,
    yAxis(ticks, y, (v) => o.format(v)) +
      `<line x1="${M.left}" x2="${M.left + PW}" y1="${M.top + PH}" y2="${M.top + PH}" stroke="#888"/>` +
      bars,
  );
}
