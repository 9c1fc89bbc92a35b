/**
 * What a live /metrics page exports, family by family, for tests that hold dashboards and
 * alert rules to it: each family's type (from its TYPE line, so a family counts as exported
 * before it has a sample), the label names its samples carry and how many samples it has.
 *
 * Series names resolve to families the way Prometheus stores them (exposition format 0.0.4,
 * https://prometheus.io/docs/instrumenting/exposition_formats/): a histogram `h` is queried as
 * `h_bucket` (with `le`), `h_sum` and `h_count`; a summary `s` as `s` (with `quantile`),
 * `s_sum` and `s_count`.
 */

export interface ExportedFamily {
  readonly type: string;
  readonly labelNames: ReadonlySet<string>;
  readonly samples: number;
}

/** Series Prometheus makes itself for every target or rule; no exporter writes them. */
export const PROMETHEUS_OWN_SERIES: ReadonlySet<string> = new Set([
  'up',
  'scrape_duration_seconds',
  'scrape_samples_scraped',
  'scrape_samples_post_metric_relabeling',
  'scrape_series_added',
  'ALERTS',
  'ALERTS_FOR_STATE',
]);

/** Labels Prometheus attaches to every scraped series from the target: never on the page. */
export const TARGET_LABELS: ReadonlySet<string> = new Set(['job', 'instance']);

const SUFFIXES: Readonly<Record<string, readonly string[]>> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['_sum', '_count'],
};
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g;

/** Families of one or more exposition pages (several gateways' pages are merged). */
export function exportedFamilies(...pages: readonly string[]): Map<string, ExportedFamily> {
  const types = new Map<string, string>();
  const labels = new Map<string, Set<string>>();
  const counts = new Map<string, number>();
  for (const page of pages) {
    for (const line of page.split('\n')) {
      const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) ([a-z]+)$/.exec(line);
      if (type) {
        types.set(type[1] as string, type[2] as string);
        continue;
      }
      if (line === '' || line.startsWith('#')) continue;
      const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? \S+$/.exec(line);
      if (!sample) throw new Error(`not a sample line: ${JSON.stringify(line)}`);
      const family = familyOf(sample[1] as string, types);
      if (family === undefined) throw new Error(`${sample[1]} has no TYPE line before it`);
      const names = labels.get(family) ?? new Set<string>();
      for (const m of (sample[2] ?? '').matchAll(LABEL)) names.add(m[1] as string);
      labels.set(family, names);
      counts.set(family, (counts.get(family) ?? 0) + 1);
    }
  }
  const out = new Map<string, ExportedFamily>();
  for (const [name, type] of types) {
    out.set(name, { type, labelNames: labels.get(name) ?? new Set(), samples: counts.get(name) ?? 0 });
  }
  return out;
}

/** The family a series name belongs to (`h_bucket` → `h` for a histogram `h`), if any. */
export function familyOf(
  series: string,
  types: ReadonlyMap<string, string | ExportedFamily>,
): string | undefined {
  if (types.has(series)) return series;
  for (const [type, suffixes] of Object.entries(SUFFIXES)) {
    for (const suffix of suffixes) {
      if (!series.endsWith(suffix)) continue;
      const base = series.slice(0, -suffix.length);
      const entry = types.get(base);
      const baseType = typeof entry === 'string' ? entry : entry?.type;
      if (baseType === type) return base;
    }
  }
  return undefined;
}
