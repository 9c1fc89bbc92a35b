import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { manualClock } from '../core/clock.ts';
import { compilePolicy } from '../policy/compile.ts';
import type { RiskEvent } from '../pipeline/risk-gate.ts';
import { createEventBus } from './event-bus.ts';
import type { EnumguardEvent } from './event-types.ts';
import { createGatewayEventSource, identityTag, policyVersion } from './gateway-events.ts';

function setup(maxSubjects = 10) {
  const bus = createEventBus({ clock: manualClock(5_000), instance: 'gw' });
  const seen: EnumguardEvent[] = [];
  bus.subscribe((e) => seen.push(e));
  const policy = compilePolicy('version: 1\nroutes: []\nrisk: { ipPrefix: { v4: 16, v6: 48 } }\n');
  const source = createGatewayEventSource({
    bus,
    policy: () => policy,
    store: 'redis',
    maxSubjects,
    initialText: 'v1',
  });
  return { seen, source };
}

const finding = (level: RiskEvent['level'], tag = 'abcdef123456', layer = 'account'): RiskEvent => ({
  at: 7_000,
  route: 'discover',
  detector: 'hit-ratio',
  identityKey: 'key:alice',
  identityTag: tag,
  prefix: '198.51.0.0/16',
  weight: 40,
  shadow: false,
  detail: 'hits 1.0% of 500 targets',
  level,
  wouldBe: level,
  score: 80,
  retryAfterMs: 60_000,
  layer,
});

describe('createGatewayEventSource', () => {
  it('turns a population surge into a population-surge event', () => {
    const { seen, source } = setup();
    source.surge({ at: 9_000, route: 'discover', retryAfterMs: 86_400 });
    assert.deepEqual(
      seen.map((e) => (e.type === 'population-surge' ? [e.type, e.at, e.route, e.retryAfterMs] : e.type)),
      [['population-surge', 9_000, 'discover', 86_400]],
    );
  });

  it('emits a refusal with the caller tagged and its network by the policy prefix, never the raw key', () => {
    const { seen, source } = setup();
    source.request({ route: 'r', outcome: 'allowed', reason: 'ok', status: 200 });
    source.request({
      route: 'r',
      outcome: 'denied',
      reason: 'quota-exceeded',
      status: 429,
      caller: {
        ip: '203.0.113.9',
        identity: { kind: 'api-key', id: 'alice', scopes: new Set(), claims: {} },
      },
    });
    assert.equal(seen.length, 1, 'allowed requests are no events');
    const e = seen[0];
    assert.equal(e?.type, 'refusal');
    if (e?.type !== 'refusal') return;
    assert.deepEqual(
      [e.reason, e.status, e.identityTag, e.prefix],
      ['quota-exceeded', 429, identityTag('key:alice'), '203.0.0.0/16'],
    );
    assert.ok(!JSON.stringify(e).includes('alice'));
  });

  it('emits a finding, then a level change and a block once per change, not per finding', () => {
    const { seen, source } = setup();
    source.risk(finding('shrink'));
    source.risk(finding('shrink'));
    source.risk(finding('block'));
    const types = seen.map((e) => e.type);
    assert.deepEqual(types, ['finding', 'risk-level', 'finding', 'finding', 'risk-level', 'block-started']);
    const block = seen[5];
    assert.ok(block?.type === 'block-started');
    assert.deepEqual(block.subject, { kind: 'identity', tag: 'abcdef123456' });
    assert.equal(block.until, 67_000);
    assert.ok(!JSON.stringify(seen).includes('key:alice'), 'the raw identity key never leaves');
  });

  it('names the network when the network layer decided, and forgets the least recent subject past the bound', () => {
    const { seen, source } = setup(2);
    source.risk(finding('observe', 'a', 'network'));
    const change = seen.find((e) => e.type === 'risk-level');
    assert.ok(change?.type === 'risk-level');
    assert.deepEqual(change.subject, { kind: 'network', prefix: '198.51.0.0/16' });
    source.risk(finding('observe', 'b'));
    source.risk(finding('observe', 'c')); // the network is forgotten
    seen.length = 0;
    source.risk(finding('observe', 'a', 'network'));
    assert.deepEqual(
      seen.map((e) => e.type),
      ['finding', 'risk-level'],
      'seen anew after being forgotten',
    );
  });

  it('reports reloads with the version in force and circuit changes as store events', () => {
    const { seen, source } = setup();
    source.policyRejected('p.yaml', new Error('p.yaml:3 routes: is required'));
    source.policyReloaded('p.yaml', 'v2');
    source.storeCircuit('open', 'closed');
    source.storeCircuit('half-open', 'open');
    source.storeCircuit('closed', 'half-open');
    assert.deepEqual(
      seen.map((e) =>
        e.type === 'policy-rejected' || e.type === 'policy-reloaded' ? `${e.type} ${e.version}` : e.type,
      ),
      [
        `policy-rejected ${policyVersion('v1')}`,
        `policy-reloaded ${policyVersion('v2')}`,
        'store-fallback',
        'store-recovered',
      ],
    );
  });
});
