import type { BreakerState } from '../stores/circuit-breaker.ts';
import type { ResilientStoreStats } from '../stores/resilient-store.ts';
import { scalarFamily, type MetricFamily } from './exposition.ts';
import { processFamilies } from './process-metrics.ts';
import { createRegistry, type MetricRegistry } from './registry.ts';

/** How one request ended; the gateway's RequestReport (src/gateway/request-report.ts) is one. */
export interface RequestReportInput {
  readonly route: string | undefined;
  readonly outcome: 'allowed' | 'denied' | 'withheld';
  readonly reason: string;
  readonly upstreamError?: 'upstream-failed' | 'upstream-timeout' | undefined;
}

/** What metrics read of a detector finding (the pipeline's RiskEvent is one). */
export interface RiskFindingInput {
  readonly route: string;
  readonly detector: string;
  readonly shadow: boolean;
}

export interface GatewayMetricsOptions {
  readonly store: {
    /** "memory" or "redis": `enumguard_store_info{kind}`. */
    readonly kind: string;
    /** The resilient wrapper's counters; undefined (the memory store): no store_* figures beyond the info. */
    stats(): ResilientStoreStats | undefined;
  };
  /** The event stream's and alert sinks' counters, read at scrape time; undefined: no such figures. */
  readonly events?: () => EventFigures;
  /** Process start time, CPU and memory (default true). */
  readonly processMetrics?: boolean;
}

/** What metrics read of the event bus and the alert sinks (src/events: bus.stats(), alerts.stats()). */
export interface EventFigures {
  readonly emitted: number;
  /** Events a listener failed on. */
  readonly dropped: number;
  readonly sinks: readonly {
    readonly sink: string;
    readonly sent: number;
    readonly failed: number;
    readonly dropped: number;
    readonly queued: number;
    readonly incidentsOpen: number;
  }[];
}

export interface GatewayMetrics {
  readonly registry: MetricRegistry;
  /** One request's end: a counter increment or two. */
  countRequest(report: RequestReportInput): void;
  riskFinding(finding: RiskFindingInput): void;
  policyReload(result: 'applied' | 'rejected'): void;
  /** The exposition text, store figures read now. */
  render(): string;
}

/** The route label of a request no route matched. Route ids start with a letter or digit, so it names none. */
export const NO_ROUTE = '(none)';

const CIRCUIT_STATE: Readonly<Record<BreakerState, number>> = { closed: 0, 'half-open': 1, open: 2 };

/**
 * The gateway's metrics. Labels hold only route ids, outcomes, reasons, detector names, store
 * modes and circuit states: bounded sets fixed by the policy and the code. Never an identity,
 * token, address or looked-up target: each would be a new series per caller (cardinality)
 * and would leak to whoever can scrape.
 *
 * Store figures are not counted twice: they are the resilient store's own `stats()`, read at
 * scrape time, so the request path pays nothing for them.
 */
export function createGatewayMetrics(options: GatewayMetricsOptions): GatewayMetrics {
  const registry = createRegistry();
  const decisions = registry.counter({
    name: 'enumguard_decisions_total',
    help: 'Requests by route and outcome: allowed, denied before forwarding, or withheld (answer replaced after the upstream gave it); reason is ok or why.',
    labelNames: ['route', 'outcome', 'reason'],
  });
  const upstreamErrors = registry.counter({
    name: 'enumguard_upstream_errors_total',
    help: 'Allowed requests the upstream failed (502 upstream-failed) or answered too late (504 upstream-timeout).',
    labelNames: ['route', 'error'],
  });
  const findings = registry.counter({
    name: 'enumguard_risk_findings_total',
    help: 'Detector findings added to a risk score, by route and detector; shadow="true" when scored in shadow only.',
    labelNames: ['route', 'detector', 'shadow'],
  });
  const reloads = registry.counter({
    name: 'enumguard_policy_reloads_total',
    help: 'Policy reloads: applied, or rejected (the last good policy stays in force).',
    labelNames: ['result'],
  });
  reloads.inc(['applied'], 0);
  reloads.inc(['rejected'], 0);
  registry.collect(() => storeFamilies(options.store.kind, options.store.stats()));
  const events = options.events;
  if (events !== undefined) registry.collect(() => eventFamilies(events()));
  if (options.processMetrics !== false) registry.collect(processFamilies);

  return {
    registry,
    countRequest(report) {
      const route = report.route ?? NO_ROUTE;
      decisions.inc([route, report.outcome, report.reason]);
      if (report.upstreamError !== undefined) upstreamErrors.inc([route, report.upstreamError]);
    },
    riskFinding(finding) {
      findings.inc([finding.route, finding.detector, finding.shadow ? 'true' : 'false']);
    },
    policyReload(result) {
      reloads.inc([result]);
    },
    render: () => registry.render(),
  };
}

function storeFamilies(kind: string, stats: ResilientStoreStats | undefined): MetricFamily[] {
  const info: MetricFamily = {
    name: 'enumguard_store_info',
    help: 'The limit store: memory (in process) or redis (shared, behind a timeout and a circuit breaker).',
    type: 'gauge',
    samples: [{ labels: { kind }, value: 1 }],
  };
  if (stats === undefined) return [info];
  const counter = scalarFamily.bind(null, 'counter');
  return [
    info,
    counter('enumguard_store_errors_total', 'Shared store calls that failed.', stats.primaryErrors),
    counter(
      'enumguard_store_timeouts_total',
      'Shared store calls that did not answer within server.store.timeout.',
      stats.timeouts,
    ),
    {
      name: 'enumguard_store_fallbacks_total',
      help: "Decisions the shared store did not give, by the route's storeUnavailable mode.",
      type: 'counter',
      samples: (['local', 'allow', 'deny'] as const).map((mode) => ({
        labels: { mode },
        value: stats.fallbacks[mode],
      })),
    },
    counter(
      'enumguard_store_signal_fallbacks_total',
      'Detector signals kept in the local store only, the shared store being unavailable.',
      stats.signalFallbacks,
    ),
    counter(
      'enumguard_store_late_answers_total',
      'Shared store answers that came after their call had timed out, and were dropped.',
      stats.lateAnswers,
    ),
    scalarFamily(
      'gauge',
      'enumguard_store_instances',
      'Gateway instances sharing the store, as this one counts them (server.store.instances, or the ' +
        'heartbeats seen with auto): the local fallback enforces 1/instances of each limit.',
      stats.instances,
    ),
    scalarFamily(
      'gauge',
      'enumguard_store_circuit_state',
      "The shared store's circuit breaker: 0 closed, 1 half-open (probing), 2 open (not called).",
      CIRCUIT_STATE[stats.state],
    ),
    {
      name: 'enumguard_store_circuit_transitions_total',
      help: "The shared store's circuit breaker transitions, by the state entered.",
      type: 'counter',
      samples: (['open', 'half-open', 'closed'] as const).map((to) => ({
        labels: { to },
        value: stats.transitions[to],
      })),
    },
  ];
}

/**
 * The event stream and alert sinks, from their own counters at scrape time (nothing on the
 * request path). `sink` is a webhook id from the policy or "redisStream": a bounded set.
 */
function eventFamilies(f: EventFigures): MetricFamily[] {
  const perSink = (
    name: string,
    type: 'counter' | 'gauge',
    help: string,
    pick: (s: EventFigures['sinks'][number]) => number,
  ): MetricFamily => ({
    name,
    help,
    type,
    samples: f.sinks.map((s) => ({ labels: { sink: s.sink }, value: pick(s) })),
  });
  return [
    scalarFamily(
      'counter',
      'enumguard_events_emitted_total',
      'Events put on the event stream (refusals, findings, risk levels, blocks, reloads, store changes).',
      f.emitted,
    ),
    scalarFamily(
      'counter',
      'enumguard_events_dropped_total',
      'Events a listener of the stream failed on.',
      f.dropped,
    ),
    perSink(
      'enumguard_alerts_sent_total',
      'counter',
      'Alerts (webhooks) or events (redisStream) delivered, by sink.',
      (s) => s.sent,
    ),
    perSink(
      'enumguard_alerts_failed_total',
      'counter',
      'Alerts or events given up after their retries, or refused by the receiver, by sink.',
      (s) => s.failed,
    ),
    perSink(
      'enumguard_alerts_dropped_total',
      'counter',
      "Alerts or events dropped because the sink's bounded queue was full, by sink.",
      (s) => s.dropped,
    ),
    perSink(
      'enumguard_alerts_queued',
      'gauge',
      'Alerts or events waiting to be delivered, by sink.',
      (s) => s.queued,
    ),
    perSink(
      'enumguard_alert_incidents_open',
      'gauge',
      'Incidents open (grouping events into one alert), by webhook sink.',
      (s) => s.incidentsOpen,
    ),
  ];
}
