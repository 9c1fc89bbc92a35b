import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import {
  exportedFamilies,
  familyOf,
  PROMETHEUS_OWN_SERIES,
  TARGET_LABELS,
  type ExportedFamily,
} from '../helpers/exported-metrics.ts';
import {
  allPanels,
  asPlainPromql,
  dashboardQueries,
  headingAnchors,
  METRICS_DOC_PATH,
  readAlertRules,
  readDashboard,
  ruleQueries,
  RULES_PATH,
  RULES_TEST_PATH,
  variablesUsed,
  type Query,
} from '../helpers/ops-kit.ts';
import { startScannedGateway, startStoreAndUpstreamGateway } from '../helpers/ops-kit-gateways.ts';
import { findPromtool, promtoolSkipMessage, runPromtool } from '../helpers/promtool.ts';
import { grafanaLabelValues, promqlNames } from '../helpers/promql-names.ts';

/**
 * The operations kit in examples/ (a Grafana dashboard, Prometheus alerting rules) against
 * the real gateway: every metric and label its expressions read is on a live /metrics page
 * after real traffic, and Prometheus's own promtool accepts the rules, passes their unit
 * tests and parses every dashboard expression.
 */
const dir = mkdtempSync(join(tmpdir(), 'enumguard-ops-kit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const dashboard = readDashboard();
const rules = readAlertRules();
const { panels: panelQueries, variables: variableQueries } = dashboardQueries(dashboard);

/** What is wrong with one expression against the exported families: empty when nothing. */
function problemsOf(query: Query, families: ReadonlyMap<string, ExportedFamily>): string[] {
  const problems: string[] = [];
  const { selectors, groupingLabels } = promqlNames(query.expr);
  if (selectors.length === 0) problems.push(`${query.where} reads no metric`);
  const known = new Set(TARGET_LABELS);
  for (const { metric, labels } of selectors) {
    if (PROMETHEUS_OWN_SERIES.has(metric)) {
      for (const l of labels)
        if (!TARGET_LABELS.has(l)) problems.push(`${query.where}: ${metric} has no ${l}`);
      continue;
    }
    const name = familyOf(metric, families);
    const family = name === undefined ? undefined : families.get(name);
    if (family === undefined) {
      problems.push(`${query.where}: ${metric} is not exported`);
      continue;
    }
    if (family.samples === 0)
      problems.push(`${query.where}: ${metric} has no sample after the test's traffic`);
    for (const l of family.labelNames) known.add(l);
    for (const l of labels) {
      if (!TARGET_LABELS.has(l) && !family.labelNames.has(l))
        problems.push(`${query.where}: ${metric} has no ${l}`);
    }
  }
  for (const l of groupingLabels) {
    if (!known.has(l)) problems.push(`${query.where}: groups by ${l}, a label none of its metrics has`);
  }
  return problems;
}

describe('operations kit against a live /metrics', () => {
  let families: Map<string, ExportedFamily>;

  before(async () => {
    const one = await startStoreAndUpstreamGateway(dir);
    try {
      const two = await startScannedGateway(dir);
      try {
        families = exportedFamilies(await one.scrape(), await two.scrape());
      } finally {
        await two.stop();
      }
    } finally {
      await one.stop();
    }
  });

  it('every panel of the Grafana dashboard reads metrics and labels the gateway exports', () => {
    assert.ok(panelQueries.length >= 15, `the dashboard has its panels' queries (${panelQueries.length})`);
    assert.deepEqual(
      panelQueries.flatMap((q) => problemsOf(q, families)),
      [],
    );
  });

  it('every dashboard variable lists a label of an exported metric, and every variable used is defined', () => {
    const problems: string[] = [];
    for (const q of variableQueries) {
      const lv = grafanaLabelValues(q.expr);
      if (lv === undefined) {
        problems.push(`${q.where} is not label_values(metric, label): ${q.expr}`);
        continue;
      }
      problems.push(
        ...problemsOf(
          { where: q.where, expr: q.expr.replace(/^\s*label_values\((.*),[^,]*\)\s*$/s, '$1') },
          families,
        ),
      );
      const family = families.get(familyOf(lv.metric.metric, families) ?? '');
      if (!TARGET_LABELS.has(lv.label) && !family?.labelNames.has(lv.label)) {
        problems.push(`${q.where} lists ${lv.label}, a label ${lv.metric.metric} does not have`);
      }
    }
    const defined = new Set(dashboard.templating.list.map((v) => v.name));
    for (const q of [...panelQueries, ...variableQueries]) {
      for (const v of variablesUsed(q.expr)) {
        if (!defined.has(v) && !v.startsWith('__'))
          problems.push(`${q.where} uses $${v}, which is not defined`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it("every alerting rule reads metrics and labels the gateway exports, or Prometheus's own up", () => {
    assert.deepEqual(
      ruleQueries(rules).flatMap((q) => problemsOf(q, families)),
      [],
    );
  });

  it('the dashboard covers what an on-call engineer needs, as the issue lists it', () => {
    const used = new Set(
      panelQueries.flatMap((q) =>
        promqlNames(q.expr).selectors.map((s) => familyOf(s.metric, families) ?? s.metric),
      ),
    );
    for (const needed of [
      'enumguard_decisions_total',
      'enumguard_risk_findings_total',
      'enumguard_store_fallbacks_total',
      'enumguard_store_circuit_state',
      'enumguard_upstream_errors_total',
      'process_resident_memory_bytes',
    ]) {
      assert.ok(used.has(needed), `a panel reads ${needed}`);
    }
  });
});

describe('Grafana dashboard (structure)', () => {
  it('takes its Prometheus from a datasource variable, never a fixed uid', () => {
    const variable = dashboard.templating.list.find((v) => v.type === 'datasource');
    assert.equal(variable?.name, 'datasource');
    assert.equal((variable as { query?: string } | undefined)?.query, 'prometheus');
    const text = readFileSync(
      join(import.meta.dirname, '../../examples/grafana/enumguard-dashboard.json'),
      'utf8',
    );
    const uids = [...text.matchAll(/"uid":\s*"([^"]*)"/g)].map((m) => m[1]);
    for (const uid of uids) {
      assert.ok(['${datasource}', '-- Grafana --', dashboard.uid].includes(uid as string), `uid ${uid}`);
    }
    for (const p of allPanels(dashboard.panels).filter((p) => p.type !== 'row')) {
      assert.equal(p.datasource?.uid, '${datasource}', `panel "${p.title}"`);
      assert.ok((p.targets ?? []).length > 0, `panel "${p.title}" has a query`);
      for (const t of p.targets ?? []) assert.equal(t.datasource?.uid, '${datasource}', `panel "${p.title}"`);
    }
    for (const v of dashboard.templating.list.filter((v) => v.type === 'query')) {
      assert.equal(v.datasource?.uid, '${datasource}', `variable ${v.name}`);
    }
  });

  it('has unique panel ids, and panels inside the 24-column grid that do not overlap', () => {
    const panels = allPanels(dashboard.panels);
    assert.equal(new Set(panels.map((p) => p.id)).size, panels.length);
    for (const [i, a] of panels.entries()) {
      const g = a.gridPos;
      assert.ok(g.x >= 0 && g.w > 0 && g.x + g.w <= 24 && g.y >= 0 && g.h > 0, `"${a.title}" fits the grid`);
      for (const b of panels.slice(i + 1)) {
        const h = b.gridPos;
        const apart = g.x + g.w <= h.x || h.x + h.w <= g.x || g.y + g.h <= h.y || h.y + h.h <= g.y;
        assert.ok(apart, `"${a.title}" and "${b.title}" overlap`);
      }
    }
  });
});

describe('Prometheus alerting rules (structure)', () => {
  it('page on each incident the issue names, with a severity, a summary, a description and a runbook in docs', () => {
    const names = rules.map((r) => r.alert);
    for (const needed of [
      'EnumguardScanInProgress',
      'EnumguardRefusalRatioHigh',
      'EnumguardStoreCircuitOpen',
      'EnumguardStoreFallbacks',
      'EnumguardUpstreamFailing',
      'EnumguardGatewayDown',
    ]) {
      assert.ok(names.includes(needed), `an alert ${needed}`);
    }
    assert.equal(new Set(names).size, names.length, 'alert names are unique');
    const doc = readFileSync(METRICS_DOC_PATH, 'utf8');
    const anchors = headingAnchors(doc);
    for (const r of rules) {
      assert.ok(
        ['page', 'critical', 'warning', 'info'].includes(r.labels?.['severity'] ?? ''),
        `${r.alert} severity`,
      );
      assert.ok((r.annotations?.['summary'] ?? '').length > 10, `${r.alert} summary`);
      assert.ok((r.annotations?.['description'] ?? '').length > 40, `${r.alert} description`);
      const runbook = /^docs\/metrics\.md#([a-z0-9-]+)$/.exec(r.annotations?.['runbook'] ?? '');
      assert.ok(runbook, `${r.alert} runbook points at docs/metrics.md`);
      assert.ok(anchors.has(runbook[1] as string), `docs/metrics.md has a heading #${runbook[1]}`);
    }
  });

  it('watch up for the scrape job docs/metrics.md configures', () => {
    const job = /job_name:\s*(\S+)/.exec(readFileSync(METRICS_DOC_PATH, 'utf8'))?.[1];
    assert.equal(job, 'enumguard');
    const upRules = rules.filter((r) => promqlNames(r.expr).selectors.some((s) => s.metric === 'up'));
    assert.ok(upRules.length >= 1);
    for (const r of upRules) assert.match(r.expr, new RegExp(`up\\{job="${job}"\\}`), r.alert);
  });
});

describe('promtool', () => {
  async function promtoolOrSkip(t: TestContext): Promise<string | undefined> {
    const path = await findPromtool();
    if (path === undefined) t.skip(promtoolSkipMessage());
    return path;
  }

  it('check rules accepts the alerting rules', async (t) => {
    const promtool = await promtoolOrSkip(t);
    if (promtool === undefined) return;
    const res = await runPromtool(promtool, ['check', 'rules', RULES_PATH]);
    assert.equal(res.code, 0, res.stderr || res.stdout);
    assert.match(res.stdout, new RegExp(`SUCCESS: ${rules.length} rules found`));
  });

  it("test rules passes the rules' unit tests", async (t) => {
    const promtool = await promtoolOrSkip(t);
    if (promtool === undefined) return;
    const res = await runPromtool(promtool, ['test', 'rules', RULES_TEST_PATH], dirname(RULES_TEST_PATH));
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.match(res.stdout, /SUCCESS/);
  });

  it("parses every dashboard expression, variables set to All (Prometheus's own PromQL parser)", async (t) => {
    const promtool = await promtoolOrSkip(t);
    if (promtool === undefined) return;
    // promtool parses expressions only inside rule files: each query becomes a recording rule.
    const recorded = panelQueries.map((q, i) => ({
      record: `enumguard:dashboard_query:${i}`,
      expr: asPlainPromql(q.expr),
    }));
    const path = join(dir, 'dashboard-queries.yml');
    writeFileSync(path, stringify({ groups: [{ name: 'dashboard', rules: recorded }] }));
    const res = await runPromtool(promtool, ['check', 'rules', path]);
    assert.equal(res.code, 0, res.stderr || res.stdout);
    assert.match(res.stdout, new RegExp(`SUCCESS: ${recorded.length} rules found`));
  });
});
