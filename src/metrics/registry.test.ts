import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isEnumguardError } from '../core/errors.ts';
import { createRegistry } from './registry.ts';

describe('metric registry', () => {
  it('counts per label values and renders each series once, in first-use order', () => {
    const registry = createRegistry();
    const decisions = registry.counter({
      name: 'd_total',
      help: 'Decisions.',
      labelNames: ['route', 'outcome'],
    });
    decisions.inc(['a', 'allowed']);
    decisions.inc(['a', 'denied'], 2);
    decisions.inc(['a', 'allowed']);
    assert.equal(decisions.value(['a', 'allowed']), 2);
    assert.equal(decisions.value(['b', 'allowed']), 0);
    assert.equal(
      registry.render(),
      '# HELP d_total Decisions.\n# TYPE d_total counter\nd_total{route="a",outcome="allowed"} 2\nd_total{route="a",outcome="denied"} 2\n',
    );
  });

  it('keeps label values containing separators apart', () => {
    const registry = createRegistry();
    const c = registry.counter({ name: 'c_total', help: 'h', labelNames: ['x', 'y'] });
    c.inc(['a,b', 'c']);
    c.inc(['a', 'b,c']);
    assert.deepEqual([c.value(['a,b', 'c']), c.value(['a', 'b,c'])], [1, 1]);
  });

  it('does not create a series by reading it', () => {
    const registry = createRegistry();
    const c = registry.counter({ name: 'c_total', help: 'h', labelNames: ['x'] });
    assert.equal(c.value(['never']), 0);
    assert.equal(registry.render(), '# HELP c_total h\n# TYPE c_total counter\n');
  });

  it('sets gauges and appends collected families after the registered ones at every render', () => {
    const registry = createRegistry();
    registry.gauge({ name: 'g', help: 'h' }).set([], 7);
    let reads = 0;
    registry.collect(() => {
      reads++;
      return [{ name: 'live', help: 'h', type: 'gauge', samples: [{ value: reads }] }];
    });
    assert.equal(
      registry.render(),
      '# HELP g h\n# TYPE g gauge\ng 7\n# HELP live h\n# TYPE live gauge\nlive 1\n',
    );
    assert.match(registry.render(), /^live 2$/m);
  });

  it('refuses a negative or non-finite counter step, and the wrong number of label values', () => {
    const registry = createRegistry();
    const c = registry.counter({ name: 'c_total', help: 'h', labelNames: ['x'] });
    for (const bad of [
      () => c.inc(['a'], -1),
      () => c.inc(['a'], NaN),
      () => c.inc(['a'], Infinity),
      () => c.inc([]),
    ]) {
      assert.throws(bad, (err: unknown) => isEnumguardError(err, 'ERR_INTERNAL'));
    }
  });

  it('refuses a name defined twice and invalid names at definition, as enumguard bugs', () => {
    const registry = createRegistry();
    registry.counter({ name: 'c_total', help: 'h' });
    for (const bad of [
      () => registry.gauge({ name: 'c_total', help: 'h' }),
      () => registry.counter({ name: 'bad name', help: 'h' }),
      () => registry.counter({ name: 'ok_total', help: 'h', labelNames: ['le-x'] }),
    ]) {
      assert.throws(bad, (err: unknown) => isEnumguardError(err, 'ERR_INTERNAL'));
    }
  });
});
