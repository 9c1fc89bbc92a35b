import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { barChart, lineChart, niceStep } from './svg-chart.ts';

describe('niceStep', () => {
  it('picks 1, 2 or 5 times a power of ten', () => {
    assert.equal(niceStep(100), 20);
    assert.equal(niceStep(30), 5);
    assert.equal(niceStep(7), 2);
  });
});

describe('lineChart', () => {
  it('puts a million and a thousand on one log axis, with ticks in powers of ten', () => {
    const svg = lineChart({
      title: 'harvest',
      xMaxMs: 2 * 86_400_000,
      log: true,
      lines: [
        {
          name: 'none',
          points: [
            [0, 0],
            [86_400_000, 1_000_000],
          ],
        },
        {
          name: 'good',
          points: [
            [0, 0],
            [86_400_000, 1_000],
          ],
        },
      ],
    });
    for (const tick of ['>1<', '>1k<', '>1M<']) assert.ok(svg.includes(tick), tick);
    const ys = [...svg.matchAll(/<path d="M[\d.]+,([\d.]+)L[\d.]+,([\d.]+)"/g)].map((m) => Number(m[2]));
    // On a log axis 1k sits half way up to 1M, not at the bottom.
    const [top, mid] = ys as [number, number];
    const bottom = 12 + 300 - 12 - 36;
    assert.ok(Math.abs(bottom - mid - (bottom - top) / 2) < 2, `${top} ${mid}`);
    assert.match(svg, /1 d</);
  });
});

describe('barChart', () => {
  it('draws a bar per series and group, and says n/a where there is no value', () => {
    const svg = barChart({
      title: 'delay',
      groups: ['p50', 'p95'],
      series: [
        { name: 'a', values: [100, 200] },
        { name: 'b', values: [50, null] },
      ],
      format: (v) => `${v} ms`,
    });
    assert.equal(svg.match(/<rect /g)?.length, 3);
    assert.match(svg, /n\/a/);
    assert.match(svg, /<title>a: 200 ms<\/title>/);
  });
});
