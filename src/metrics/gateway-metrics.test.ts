import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../core/clock.ts';
import { isEnumguardError } from '../core/errors.ts';
import type { LimitSpec } from '../core/limit.ts';
import { createMemoryStore } from '../stores/memory-store.ts';
import { createResilientStore } from '../stores/resilient-store.ts';
import type { Store } from '../stores/store.ts';
import { parseExposition } from '../../test/helpers/prometheus.ts';
import { createGatewayMetrics } from './gateway-metrics.ts';

const memory = { kind: 'memory', stats: () => undefined };

describe('gateway metrics', () => {
  it('exports the event stream, every alert sink figure and population surges', () => {
    const sink = {
      sink: 'oncall',
      sent: 4,
      failed: 1,
      dropped: 2,
      queued: 3,
      retried: 5,
      incidentsOpen: 6,
      incidentsEvicted: 7,
      intakeErrors: 8,
    };
    const metrics = createGatewayMetrics({
      store: memory,
      processMetrics: false,
      events: () => ({ emitted: 10, dropped: 9, sinks: [sink] }),
    });
    metrics.populationSurge('discover');
    const { samples } = parseExposition(metrics.render());
    const got = Object.fromEntries(
      [
        'enumguard_events_emitted_total',
        'enumguard_events_dropped_total',
        'enumguard_alerts_sent_total{sink="oncall"}',
        'enumguard_alerts_failed_total{sink="oncall"}',
        'enumguard_alerts_dropped_total{sink="oncall"}',
        'enumguard_alerts_queued{sink="oncall"}',
        'enumguard_alerts_retried_total{sink="oncall"}',
        'enumguard_alert_incidents_open{sink="oncall"}',
        'enumguard_alert_incidents_evicted_total{sink="oncall"}',
        'enumguard_alert_intake_errors_total{sink="oncall"}',
        'enumguard_population_surges_total{route="discover"}',
      ].map((k) => [k, samples.get(k)]),
    );
    assert.deepEqual(Object.values(got), [10, 9, 4, 1, 2, 3, 5, 6, 7, 8, 1]);
  });

  it('counts requests by route, outcome and reason, and unmatched ones under route "(none)"', () => {
    const metrics = createGatewayMetrics({ store: memory, processMetrics: false });
    metrics.countRequest({ route: 'discover', outcome: 'allowed', reason: 'ok' });
    metrics.countRequest({ route: 'discover', outcome: 'allowed', reason: 'ok' });
    metrics.countRequest({ route: 'discover', outcome: 'denied', reason: 'quota-exceeded' });
    metrics.countRequest({ route: 'discover', outcome: 'withheld', reason: 'blocked' });
    metrics.countRequest({ route: undefined, outcome: 'denied', reason: 'no-route' });
    const { samples } = parseExposition(metrics.render());
    assert.equal(samples.get('enumguard_decisions_total{route="discover",outcome="allowed",reason="ok"}'), 2);
    assert.equal(
      samples.get('enumguard_decisions_total{route="discover",outcome="denied",reason="quota-exceeded"}'),
      1,
    );
    assert.equal(
      samples.get('enumguard_decisions_total{route="discover",outcome="withheld",reason="blocked"}'),
      1,
    );
    assert.equal(
      samples.get('enumguard_decisions_total{route="(none)",outcome="denied",reason="no-route"}'),
      1,
    );
  });

  it('counts upstream errors by route and kind beside the allowed decision', () => {
    const metrics = createGatewayMetrics({ store: memory, processMetrics: false });
    metrics.countRequest({ route: 'r', outcome: 'allowed', reason: 'ok', upstreamError: 'upstream-timeout' });
    metrics.countRequest({ route: 'r', outcome: 'allowed', reason: 'ok', upstreamError: 'upstream-failed' });
    metrics.countRequest({ route: 'r', outcome: 'allowed', reason: 'ok', upstreamError: 'upstream-failed' });
    const { samples } = parseExposition(metrics.render());
    assert.equal(samples.get('enumguard_upstream_errors_total{route="r",error="upstream-failed"}'), 2);
    assert.equal(samples.get('enumguard_upstream_errors_total{route="r",error="upstream-timeout"}'), 1);
    assert.equal(samples.get('enumguard_decisions_total{route="r",outcome="allowed",reason="ok"}'), 3);
  });

  it('counts risk findings by route, detector and shadow, and policy reloads by result', () => {
    const metrics = createGatewayMetrics({ store: memory, processMetrics: false });
    metrics.riskFinding({ route: 'discover', detector: 'hit-ratio', shadow: false });
    metrics.riskFinding({ route: 'discover', detector: 'canary', shadow: true });
    metrics.riskFinding({ route: 'discover', detector: 'canary', shadow: true });
    metrics.policyReload('rejected');
    const { samples } = parseExposition(metrics.render());
    assert.equal(
      samples.get('enumguard_risk_findings_total{route="discover",detector="hit-ratio",shadow="false"}'),
      1,
    );
    assert.equal(
      samples.get('enumguard_risk_findings_total{route="discover",detector="canary",shadow="true"}'),
      2,
    );
    assert.equal(samples.get('enumguard_policy_reloads_total{result="applied"}'), 0);
    assert.equal(samples.get('enumguard_policy_reloads_total{result="rejected"}'), 1);
  });

  it('shows the memory store as store info only: it has no circuit, errors or fallbacks', () => {
    const { samples, types } = parseExposition(
      createGatewayMetrics({ store: memory, processMetrics: false }).render(),
    );
    assert.equal(samples.get('enumguard_store_info{kind="memory"}'), 1);
    assert.equal(types.has('enumguard_store_circuit_state'), false);
    assert.equal(types.has('enumguard_store_errors_total'), false);
  });

  it("reads a shared store's outage from the resilient store: errors, fallbacks, circuit state and transitions", async () => {
    const clock = manualClock(1_000_000);
    let failing = true;
    const backing = createMemoryStore({ clock });
    const primary: Store = {
      name: 'flaky',
      consume: (checks, risk) =>
        failing ? Promise.reject(new Error('ECONNREFUSED')) : Promise.resolve(backing.consume(checks, risk)),
      signal: (risk, signal) => Promise.resolve(backing.signal(risk, signal)),
      clear: () => backing.clear(),
      close: () => Promise.resolve(),
    };
    let seen = 3;
    const store = createResilientStore({ primary, clock, instances: () => seen });
    const metrics = createGatewayMetrics({
      store: { kind: 'redis', stats: () => store.stats() },
      processMetrics: false,
    });
    const spec: LimitSpec = { id: 'r/l', algorithm: 'gcra', limit: 100, windowMs: 60_000, burst: 100 };
    const consume = async (mode: 'local' | 'allow' | 'deny'): Promise<void> => {
      await store.consume([{ spec, key: 'k', cost: 1 }], undefined, { unavailable: mode });
    };

    let { samples } = parseExposition(metrics.render());
    assert.equal(samples.get('enumguard_store_circuit_state'), 0);
    assert.equal(samples.get('enumguard_store_instances'), 3, 'the count the local share divides by');
    seen = 2;
    assert.equal(parseExposition(metrics.render()).samples.get('enumguard_store_instances'), 2);
    assert.equal(samples.get('enumguard_store_errors_total'), 0);

    for (let i = 0; i < 5; i++) await consume('local'); // five errors within 10 s open the circuit
    await consume('allow');
    await assert.rejects(consume('deny'), (err: unknown) => isEnumguardError(err, 'ERR_STORE_UNAVAILABLE'));
    ({ samples } = parseExposition(metrics.render()));
    assert.equal(samples.get('enumguard_store_info{kind="redis"}'), 1);
    assert.equal(samples.get('enumguard_store_errors_total'), 5);
    assert.equal(samples.get('enumguard_store_timeouts_total'), 0);
    assert.equal(samples.get('enumguard_store_circuit_state'), 2);
    assert.equal(samples.get('enumguard_store_circuit_transitions_total{to="open"}'), 1);
    assert.equal(samples.get('enumguard_store_fallbacks_total{mode="local"}'), 5);
    assert.equal(samples.get('enumguard_store_fallbacks_total{mode="allow"}'), 1);
    assert.equal(samples.get('enumguard_store_fallbacks_total{mode="deny"}'), 1);

    clock.advance(2_000);
    ({ samples } = parseExposition(metrics.render()));
    assert.equal(samples.get('enumguard_store_circuit_state'), 1, 'half-open after openMs');

    failing = false;
    await consume('local'); // the probe succeeds
    ({ samples } = parseExposition(metrics.render()));
    assert.equal(samples.get('enumguard_store_circuit_state'), 0);
    assert.equal(samples.get('enumguard_store_circuit_transitions_total{to="half-open"}'), 1);
    assert.equal(samples.get('enumguard_store_circuit_transitions_total{to="closed"}'), 1);
    assert.equal(samples.get('enumguard_store_fallbacks_total{mode="local"}'), 5);
  });

  it('exposes the process start time, CPU and memory unless asked not to', () => {
    const { samples } = parseExposition(createGatewayMetrics({ store: memory }).render());
    const start = samples.get('process_start_time_seconds') ?? 0;
    assert.ok(start > 1.6e9 && start <= performance.timeOrigin / 1000 + 1, `start time ${start}`);
    assert.ok((samples.get('process_resident_memory_bytes') ?? 0) > 0);
    assert.ok((samples.get('process_cpu_user_seconds_total') ?? -1) >= 0);
    assert.ok((samples.get('nodejs_heap_size_used_bytes') ?? 0) > 0);
    const bare = parseExposition(createGatewayMetrics({ store: memory, processMetrics: false }).render());
    assert.equal(bare.types.has('process_start_time_seconds'), false);
  });
});
