import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isEnumguardError } from '../core/errors.ts';
import {
  EXPOSITION_CONTENT_TYPE,
  escapeHelp,
  escapeLabelValue,
  formatValue,
  renderExposition,
} from './exposition.ts';

describe('Prometheus text exposition 0.0.4', () => {
  it('names the 0.0.4 text format in its content type', () => {
    assert.equal(EXPOSITION_CONTENT_TYPE, 'text/plain; version=0.0.4; charset=utf-8');
  });

  it('writes HELP and TYPE once per family, then its samples, each line ending in a newline', () => {
    const text = renderExposition([
      {
        name: 'enumguard_decisions_total',
        help: 'Requests decided.',
        type: 'counter',
        samples: [
          { labels: { route: 'discover', outcome: 'allowed' }, value: 3 },
          { labels: { route: 'discover', outcome: 'denied' }, value: 1 },
        ],
      },
      {
        name: 'enumguard_store_circuit_state',
        help: 'Circuit state.',
        type: 'gauge',
        samples: [{ value: 2 }],
      },
    ]);
    assert.equal(
      text,
      [
        '# HELP enumguard_decisions_total Requests decided.',
        '# TYPE enumguard_decisions_total counter',
        'enumguard_decisions_total{route="discover",outcome="allowed"} 3',
        'enumguard_decisions_total{route="discover",outcome="denied"} 1',
        '# HELP enumguard_store_circuit_state Circuit state.',
        '# TYPE enumguard_store_circuit_state gauge',
        'enumguard_store_circuit_state 2',
        '',
      ].join('\n'),
    );
  });

  it('writes a family with no samples yet as its HELP and TYPE lines alone', () => {
    assert.equal(
      renderExposition([{ name: 'x_total', help: 'h', type: 'counter', samples: [] }]),
      '# HELP x_total h\n# TYPE x_total counter\n',
    );
  });

  it('escapes backslash, double quote and line feed in label values', () => {
    assert.equal(escapeLabelValue('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
    assert.equal(escapeLabelValue('plain-route_1.v2'), 'plain-route_1.v2');
    assert.equal(escapeLabelValue('ünïcode ✓'), 'ünïcode ✓');
    const text = renderExposition([
      { name: 'm', help: 'h', type: 'gauge', samples: [{ labels: { l: 'say "hi"\\\n' }, value: 1 }] },
    ]);
    assert.match(text, /^m\{l="say \\"hi\\"\\\\\\n"\} 1$/m);
  });

  it('escapes backslash and line feed in HELP, and leaves double quotes alone', () => {
    assert.equal(escapeHelp('a\\b\n"c"'), 'a\\\\b\\n"c"');
  });

  it('writes values as Go floats: NaN, +Inf, -Inf and plain decimals', () => {
    assert.deepEqual([NaN, Infinity, -Infinity, 0, -0, 42, 1.5, 1e21, 1700000000.123].map(formatValue), [
      'NaN',
      '+Inf',
      '-Inf',
      '0',
      '0',
      '42',
      '1.5',
      '1e+21',
      '1700000000.123',
    ]);
  });

  it('refuses invalid metric and label names and a family defined twice, as enumguard bugs', () => {
    const family = (name: string, labels: Record<string, string> = {}) => ({
      name,
      help: 'h',
      type: 'counter' as const,
      samples: [{ labels, value: 1 }],
    });
    for (const families of [
      [family('9lives')],
      [family('has-dash')],
      [family('ok', { 'bad-label': 'x' })],
      [family('ok', { __reserved: 'x' })],
      [family('twice'), family('twice')],
    ]) {
      assert.throws(
        () => renderExposition(families),
        (err: unknown) => isEnumguardError(err, 'ERR_INTERNAL'),
      );
    }
  });
});
