import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * Reads the operations kit in examples/ (the Grafana dashboard and the Prometheus alerting
 * rules) into the PromQL expressions it runs, each named by where it stands, so a test can
 * hold every expression to the live /metrics page and hand them to promtool.
 */

const ROOT = join(import.meta.dirname, '../..');
export const DASHBOARD_PATH = join(ROOT, 'examples/grafana/enumguard-dashboard.json');
export const RULES_PATH = join(ROOT, 'examples/prometheus/enumguard-alerts.yml');
export const RULES_TEST_PATH = join(ROOT, 'examples/prometheus/enumguard-alerts.test.yml');
export const METRICS_DOC_PATH = join(ROOT, 'docs/metrics.md');

export interface Query {
  /** Where the expression stands: a panel and refId, a variable, or an alert. */
  readonly where: string;
  readonly expr: string;
}

export interface GrafanaPanel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
  readonly datasource?: { readonly type: string; readonly uid: string };
  readonly targets?: readonly {
    readonly refId: string;
    readonly expr: string;
    readonly datasource?: { readonly type: string; readonly uid: string };
  }[];
  readonly panels?: readonly GrafanaPanel[];
}

export interface GrafanaVariable {
  readonly type: string;
  readonly name: string;
  readonly query?: string | { readonly query: string };
  readonly definition?: string;
  readonly datasource?: { readonly type: string; readonly uid: string };
}

export interface GrafanaDashboard {
  readonly title: string;
  readonly uid: string;
  readonly panels: readonly GrafanaPanel[];
  readonly templating: { readonly list: readonly GrafanaVariable[] };
}

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export function readDashboard(): GrafanaDashboard {
  return JSON.parse(readFileSync(DASHBOARD_PATH, 'utf8')) as GrafanaDashboard;
}

export function readAlertRules(): AlertRule[] {
  const doc = parse(readFileSync(RULES_PATH, 'utf8')) as { groups: { rules: AlertRule[] }[] };
  return doc.groups.flatMap((g) => g.rules);
}

/** Every panel, those inside collapsed rows included. */
export function allPanels(panels: readonly GrafanaPanel[]): GrafanaPanel[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
}

/** The PromQL of every panel target, and the query of every query variable. */
export function dashboardQueries(dashboard: GrafanaDashboard): { panels: Query[]; variables: Query[] } {
  const panels = allPanels(dashboard.panels).flatMap((p) =>
    (p.targets ?? []).map((t) => ({ where: `panel "${p.title}" ${t.refId}`, expr: t.expr })),
  );
  const variables = dashboard.templating.list
    .filter((v) => v.type === 'query')
    .map((v) => ({
      where: `variable $${v.name}`,
      expr: typeof v.query === 'string' ? v.query : (v.query?.query ?? ''),
    }));
  return { panels, variables };
}

export function ruleQueries(rules: readonly AlertRule[]): Query[] {
  return rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr }));
}

/** Grafana's built-in interval variables, and a duration each stands for in a plain query. */
const BUILTIN_DURATIONS: Readonly<Record<string, string>> = {
  __rate_interval: '1m',
  __interval: '15s',
  __range: '1h',
};

/** The variables an expression uses (`$x`, `${x}`, `${x:format}`, `[[x]]`), by name. */
export function variablesUsed(expr: string): string[] {
  return [
    ...expr.matchAll(/\$\{([a-zA-Z0-9_]+)(?::[^}]*)?\}|\$([a-zA-Z0-9_]+)|\[\[([a-zA-Z0-9_]+)\]\]/g),
  ].map((m) => (m[1] ?? m[2] ?? m[3]) as string);
}

/**
 * The expression as Prometheus would receive it with every variable set to "All": interval
 * variables become durations, the others the regex `.*` (they stand only in `=~` matchers).
 */
export function asPlainPromql(expr: string): string {
  return expr.replace(
    /\$\{([a-zA-Z0-9_]+)(?::[^}]*)?\}|\$([a-zA-Z0-9_]+)|\[\[([a-zA-Z0-9_]+)\]\]/g,
    (_all, a?: string, b?: string, c?: string) => BUILTIN_DURATIONS[(a ?? b ?? c) as string] ?? '.*',
  );
}

/** The anchors of a Markdown page's headings, as GitHub makes them. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const m of markdown.matchAll(/^#{1,6} (.+)$/gm)) {
    anchors.add(
      (m[1] as string)
        .trim()
        .toLowerCase()
        .replace(/[^a-z0-9 _-]/g, '')
        .replace(/ /g, '-'),
    );
  }
  return anchors;
}
