import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exportedFamilies, familyOf } from './exported-metrics.ts';

const page = `# HELP c_total A counter.
# TYPE c_total counter
c_total{route="a",reason="x=\\"y\\""} 1
c_total{route="b",outcome="denied"} 2
# HELP empty_total Declared, no sample yet.
# TYPE empty_total counter
# HELP lat_seconds A histogram.
# TYPE lat_seconds histogram
lat_seconds_bucket{route="a",le="0.1"} 1
lat_seconds_bucket{route="a",le="+Inf"} 1
lat_seconds_sum{route="a"} 0.05
lat_seconds_count{route="a"} 1
# HELP q A summary.
# TYPE q summary
q{quantile="0.99"} 3
q_sum 3
q_count 1
`;

describe('exportedFamilies', () => {
  it('lists families with their type, label names and sample count, empty ones included', () => {
    const families = exportedFamilies(page);
    assert.deepEqual(
      [...families].map(([name, f]) => [name, f.type, [...f.labelNames].sort(), f.samples]),
      [
        ['c_total', 'counter', ['outcome', 'reason', 'route'], 2],
        ['empty_total', 'counter', [], 0],
        ['lat_seconds', 'histogram', ['le', 'route'], 4],
        ['q', 'summary', ['quantile'], 3],
      ],
    );
  });

  it('merges pages and refuses a sample without a TYPE', () => {
    const merged = exportedFamilies('# TYPE g gauge\ng{a="1"} 1\n', '# TYPE g gauge\ng{b="1"} 1\n');
    assert.deepEqual([...(merged.get('g')?.labelNames ?? [])], ['a', 'b']);
    assert.throws(() => exportedFamilies('orphan 1\n'), /orphan has no TYPE line/);
  });
});

describe('familyOf', () => {
  it('resolves histogram and summary series to their family, and nothing else', () => {
    const families = exportedFamilies(page);
    assert.equal(familyOf('lat_seconds_bucket', families), 'lat_seconds');
    assert.equal(familyOf('lat_seconds_count', families), 'lat_seconds');
    assert.equal(familyOf('q_sum', families), 'q');
    assert.equal(familyOf('q_bucket', families), undefined, 'a summary has no buckets');
    assert.equal(familyOf('c_total_sum', families), undefined, 'a counter has no _sum');
    assert.equal(familyOf('c_total', families), 'c_total');
  });
});
