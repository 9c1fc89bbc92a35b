import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy } from './compile.ts';
import type { CompiledRoute } from './types.ts';

const withRoute = (route: string, risk = 'risk: {}'): string => `
version: 1
${risk}
routes:
  - id: discover
    match: { method: POST, path: /discover }
    auth: none
${route}
`;

function routeOf(route: string, risk?: string): CompiledRoute {
  const compiled = compilePolicy(withRoute(route, risk)).routes[0];
  assert.ok(compiled);
  return compiled;
}

describe("a route's targets", () => {
  const batch = '    batch: { pointer: /batch, max: 10 }';
  const limits = [
    '    limits:',
    '      - { id: plain, key: ip, rate: 10/1m, cost: /counted }',
    '      - { id: first, key: ip, rate: 10/1m, distinct: /distinct-a }',
    '      - { id: second, key: route, rate: 10/1m, distinct: /distinct-b }',
  ].join('\n');

  it('are the targets pointer when written', () => {
    assert.equal(routeOf(`    targets: /written\n${batch}\n${limits}`).targets, '/written');
  });

  it("fall back to the first distinct limit's pointer, then the batch pointer", () => {
    assert.equal(routeOf(`${batch}\n${limits}`).targets, '/distinct-a');
    assert.equal(routeOf(batch).targets, '/batch');
  });

  it('are undefined without targets, distinct limit or batch (a cost pointer is not one)', () => {
    const route = routeOf('    limits:\n      - { key: ip, rate: 10/1m, cost: /counted }');
    assert.equal(route.targets, undefined);
  });

  it('make the route read its body', () => {
    const route = routeOf('    targets: /numbers', '');
    assert.equal(route.targets, '/numbers');
    assert.equal(route.needsBody, true);
    assert.equal(route.detect, undefined);
    assert.equal(routeOf('    limits:\n      - { key: ip, rate: 10/1m }').needsBody, false);
  });

  it('are what the detectors read, and detect makes the route read its body', () => {
    const route = routeOf(`${batch}\n    detect:\n      rangeDensity: { weight: 25 }`);
    assert.equal(route.targets, '/batch');
    assert.equal(route.needsBody, true);
    assert.equal(route.detect?.rangeDensity?.weight, 25);
  });
});

describe('a limit ramp', () => {
  it('compiles to from and overMs, and is absent when not written', () => {
    const route = routeOf(
      [
        '    limits:',
        '      - { id: ramped, key: ipv4/24, rate: 100/1d, ramp: { from: 0.1, over: 7d } }',
        '      - { id: flat, key: ip, rate: 100/1d }',
      ].join('\n'),
    );
    assert.deepEqual(route.limits[0]?.ramp, { from: 0.1, overMs: 7 * 86_400_000 });
    assert.equal(route.limits[1] !== undefined && 'ramp' in route.limits[1], false);
  });

  it('keeps a distinct limit distinct', () => {
    const route = routeOf(
      '    limits:\n      - { key: ip, rate: 6/1h, burst: 500, distinct: /numbers, ramp: { from: 1, over: 1d } }',
    );
    assert.deepEqual(route.limits[0]?.distinct, { pointer: '/numbers' });
    assert.deepEqual(route.limits[0]?.ramp, { from: 1, overMs: 86_400_000 });
  });
});

describe("a route's egress", () => {
  it('fills its defaults', () => {
    assert.deepEqual(routeOf('    egress: { records: /contacts }', '').egress, {
      records: '/contacts',
      strip: [],
      stripWhen: 'untrusted',
      maxRecords: undefined,
      maxBytes: undefined,
      perIdentity: undefined,
      perIdentityBytes: undefined,
    });
  });

  it('compiles sizes, caps and the per-identity quota as a limit spec of its own', () => {
    const egress = routeOf(
      [
        '    egress:',
        '      records: /contacts',
        '      strip: [photo, about, photo]',
        '      stripWhen: always',
        '      maxRecords: 1000',
        '      maxBytes: 1mb',
        '      perIdentity: { rate: 5000/1d }',
      ].join('\n'),
    ).egress;
    assert.deepEqual(egress, {
      records: '/contacts',
      strip: ['photo', 'about'],
      stripWhen: 'always',
      maxRecords: 1000,
      maxBytes: 1024 * 1024,
      perIdentity: {
        id: 'discover/egress-records',
        algorithm: 'gcra',
        limit: 5000,
        windowMs: 86_400_000,
        burst: 5000,
      },
      perIdentityBytes: undefined,
    });
  });

  it('takes the quota burst and algorithm when written', () => {
    const egress = routeOf(
      '    egress: { records: /r, perIdentity: { rate: 100/1h, burst: 20, algorithm: sliding-window } }',
    ).egress;
    assert.deepEqual(egress?.perIdentity, {
      id: 'discover/egress-records',
      algorithm: 'sliding-window',
      limit: 100,
      windowMs: 3_600_000,
      burst: 20,
    });
  });

  it('compiles the per-identity byte quota as a GCRA limit spec, burst defaulting to size', () => {
    const egress = routeOf('    egress: { records: /r, perIdentityBytes: { size: 10mb, per: 1d } }').egress;
    assert.deepEqual(egress?.perIdentityBytes, {
      id: 'discover/egress-bytes',
      algorithm: 'gcra',
      limit: 10 * 1024 * 1024,
      windowMs: 86_400_000,
      burst: 10 * 1024 * 1024,
    });
    assert.equal(egress?.perIdentity, undefined);
  });

  it('takes the byte quota burst when written', () => {
    const egress = routeOf(
      '    egress: { records: /r, perIdentityBytes: { size: 1mb, per: 1h, burst: 256kb } }',
    ).egress;
    assert.deepEqual(egress?.perIdentityBytes, {
      id: 'discover/egress-bytes',
      algorithm: 'gcra',
      limit: 1024 * 1024,
      windowMs: 3_600_000,
      burst: 256 * 1024,
    });
  });

  it('strips always without a risk section', () => {
    const egress = routeOf('    egress: { records: /r, strip: [photo], stripWhen: always }', '').egress;
    assert.deepEqual(egress?.strip, ['photo']);
  });
});
