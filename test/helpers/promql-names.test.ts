import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { grafanaLabelValues, promqlNames } from './promql-names.ts';

const metrics = (expr: string): string[] => promqlNames(expr).selectors.map((s) => s.metric);

describe('promqlNames', () => {
  it('reads a bare series, a selector with matchers and a range selector', () => {
    assert.deepEqual(promqlNames('up'), { selectors: [{ metric: 'up', labels: [] }], groupingLabels: [] });
    assert.deepEqual(promqlNames('rate(enumguard_decisions_total{route="a", outcome!~"allowed"}[5m])'), {
      selectors: [{ metric: 'enumguard_decisions_total', labels: ['route', 'outcome'] }],
      groupingLabels: [],
    });
  });

  it('skips functions, aggregations, their grouping labels and keywords', () => {
    const expr = `sum by (route, reason) (rate(a_total{outcome!="allowed"}[5m]))
      / ignoring (reason) group_left sum without (reason) (rate(b_total[5m] offset 1h)) > bool 0.2
      and on (instance) max(c) unless topk(3, d) or histogram_quantile(0.99, sum by (le) (rate(e_bucket[5m])))`;
    assert.deepEqual(metrics(expr), ['a_total', 'b_total', 'c', 'd', 'e_bucket']);
    assert.deepEqual(promqlNames(expr).groupingLabels, [
      'route',
      'reason',
      'reason',
      'reason',
      'instance',
      'le',
    ]);
  });

  it('treats keywords case-insensitively and numbers, Inf and NaN as no metric', () => {
    assert.deepEqual(metrics('SUM BY (job) (x) > Inf or y != NaN or z > 1e3 or w > 0x1f'), [
      'x',
      'y',
      'z',
      'w',
    ]);
  });

  it('takes the name from an exact __name__ matcher, and refuses a selector naming none', () => {
    assert.deepEqual(promqlNames('{__name__="process_resident_memory_bytes", job="g"}').selectors, [
      { metric: 'process_resident_memory_bytes', labels: ['job'] },
    ]);
    assert.throws(() => promqlNames('{__name__=~"enumguard_.*"}'), /without a metric name/);
  });

  it('ignores strings, comments, subqueries and Grafana variables', () => {
    const expr = `label_replace(max_over_time(x{route=~"$route"}[$__rate_interval:1m]), "to", "$1", "from", "(.*)") # not_a_metric
      + y{instance=~"\${instance:regex}"}[\${__range}] + z[[interval]]`;
    assert.deepEqual(metrics(expr), ['x', 'y', 'z']);
  });

  it('fails on an unterminated string or bracket instead of guessing', () => {
    assert.throws(() => promqlNames('x{route="a}'), /unterminated string/);
    assert.throws(() => promqlNames('rate(x[5m)'), /unbalanced \[/);
  });
});

describe('grafanaLabelValues', () => {
  it("reads a label_values variable query's metric and label", () => {
    assert.deepEqual(grafanaLabelValues('label_values(enumguard_decisions_total{job=~"$job"}, route)'), {
      metric: { metric: 'enumguard_decisions_total', labels: ['job'] },
      label: 'route',
    });
    assert.equal(grafanaLabelValues('query_result(up)'), undefined);
  });
});
