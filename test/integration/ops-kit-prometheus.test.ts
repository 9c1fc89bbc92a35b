import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { grafanaLabelValues } from '../helpers/promql-names.ts';
import {
  startScannedGateway,
  startStoreAndUpstreamGateway,
  type KitGateway,
} from '../helpers/ops-kit-gateways.ts';
import {
  asPlainPromql,
  dashboardQueries,
  readAlertRules,
  readDashboard,
  RULES_PATH,
} from '../helpers/ops-kit.ts';
import { findPromtool, promtoolSkipMessage } from '../helpers/promtool.ts';
import { startPrometheus, type PrometheusServer } from '../helpers/prometheus-server.ts';
import { waitUntil } from '../helpers/wait-for.ts';

/**
 * The operations kit in a real Prometheus (Debian's, from the package that ships promtool),
 * scraping two live gateways every second with the alerting rules loaded: every dashboard
 * query returns series, every variable lists values, every rule evaluates without an error,
 * and a real scan fires EnumguardScanInProgress while the Redis outage makes
 * EnumguardStoreCircuitOpen pending. What promtool cannot see (a label that matches nothing,
 * a division that matches many-to-many) shows here.
 */
const promtool = await findPromtool(); // installs the prometheus package when missing
const dir = mkdtempSync(join(tmpdir(), 'enumguard-ops-kit-prom-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Prometheus at 1 s intervals, on a machine whose two cores may both be busy. */
const DEADLINE_MS = 90_000;

interface Vector {
  readonly resultType: string;
  readonly result: readonly { readonly metric: Record<string, string> }[];
}
interface RuleGroups {
  readonly groups: readonly {
    readonly rules: readonly { name: string; health: string; lastError?: string; type: string }[];
  }[];
}
interface Alerts {
  readonly alerts: readonly { labels: Record<string, string>; state: string }[];
}

describe('operations kit in a real Prometheus', { skip: promtool ? false : promtoolSkipMessage() }, () => {
  const gateways: KitGateway[] = [];
  let prometheus: PrometheusServer | undefined;
  let scanned: KitGateway;
  let outage: KitGateway;
  const prom = (): PrometheusServer => {
    assert.ok(prometheus);
    return prometheus;
  };

  before(async () => {
    outage = await startStoreAndUpstreamGateway(dir);
    gateways.push(outage);
    scanned = await startScannedGateway(dir);
    gateways.push(scanned);
    prometheus = await startPrometheus({
      targets: gateways.map((g) => g.target),
      job: 'enumguard',
      ruleFiles: [RULES_PATH],
    });
    assert.ok(prometheus, 'the prometheus package that ships promtool also ships prometheus');
    // rate() needs two samples: wait for two scrapes of each gateway, both up.
    await waitUntil(
      'two successful scrapes of each gateway',
      async () =>
        (
          await prom().api<Vector>('query', {
            query: 'count_over_time(up{job="enumguard"}[1m]) >= 2 and up{job="enumguard"} == 1',
          })
        ).result.length === gateways.length,
      { deadlineMs: DEADLINE_MS },
    );
  });
  after(async () => {
    await prometheus?.stop();
    for (const g of gateways) await g.stop();
  });

  it('every dashboard panel query returns series, variables set to All', async () => {
    const empty: string[] = [];
    for (const q of dashboardQueries(readDashboard()).panels) {
      const data = await prom().api<Vector>('query', { query: asPlainPromql(q.expr) });
      if (data.result.length === 0) empty.push(`${q.where}: ${q.expr}`);
    }
    assert.deepEqual(empty, []);
  });

  it('every dashboard variable lists values', async () => {
    const empty: string[] = [];
    for (const q of dashboardQueries(readDashboard()).variables) {
      const lv = grafanaLabelValues(asPlainPromql(q.expr));
      assert.ok(lv, `${q.where} is a label_values query`);
      const selector = asPlainPromql(q.expr).replace(/^\s*label_values\((.*),[^,]*\)\s*$/s, '$1');
      const values = await prom().api<string[]>(`label/${lv.label}/values`, { 'match[]': selector });
      if (values.length === 0) empty.push(q.where);
    }
    assert.deepEqual(empty, []);
  });

  it('every alerting rule loads and evaluates without an error', async () => {
    const names = readAlertRules().map((r) => r.alert);
    const rules = await waitUntil(
      'every rule evaluated once',
      async () => {
        const all = (await prom().api<RuleGroups>('rules')).groups.flatMap((g) => g.rules);
        return all.length === names.length && all.every((r) => r.health !== 'unknown') ? all : undefined;
      },
      { deadlineMs: DEADLINE_MS },
    );
    assert.deepEqual(rules.map((r) => r.name).sort(), [...names].sort());
    assert.deepEqual(
      rules.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.health} ${r.lastError ?? ''}`),
      [],
    );
  });

  it('a real scan fires EnumguardScanInProgress; the Redis outage makes EnumguardStoreCircuitOpen pending', async () => {
    const alerts = await waitUntil(
      'the scan alert firing and the circuit alert pending',
      async () => {
        const { alerts } = await prom().api<Alerts>('alerts');
        const scan = alerts.find((a) => a.labels['alertname'] === 'EnumguardScanInProgress');
        const circuit = alerts.find((a) => a.labels['alertname'] === 'EnumguardStoreCircuitOpen');
        return scan?.state === 'firing' && circuit !== undefined ? { scan, circuit } : undefined;
      },
      { deadlineMs: DEADLINE_MS },
    );
    assert.deepEqual(alerts.scan.labels, {
      alertname: 'EnumguardScanInProgress',
      severity: 'page',
      job: 'enumguard',
      instance: scanned.target,
      route: 'discover',
      detector: 'hit-ratio',
    });
    // `for: 1m`: pending for the test's first minute, firing after.
    assert.ok(['pending', 'firing'].includes(alerts.circuit.state));
    assert.equal(alerts.circuit.labels['instance'], outage.target);
  });
});
