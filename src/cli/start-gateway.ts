import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { pino, type Logger } from 'pino';
import type { RequestReport } from '../gateway/request-report.ts';
import { createGateway, type Gateway } from '../gateway/server.ts';
import { createUpstreamPool } from '../gateway/upstream.ts';
import { createPipeline, type Pipeline } from '../pipeline/pipeline.ts';
import { systemClock } from '../runtime/system-clock.ts';
import { loadPolicySource } from '../policy/load.ts';
import { watchPolicy } from '../policy/watch.ts';
import { EnumguardError } from '../core/errors.ts';
import type { Clock } from '../core/clock.ts';
import { createGatewayMetrics } from '../metrics/gateway-metrics.ts';
import { pipelineHooks } from './pipeline-hooks.ts';
import { policyAppliers, reloadFile } from './policy-appliers.ts';
import { createEventBus } from '../events/event-bus.ts';
import type { EventBus } from '../events/event-types.ts';
import { startAlerts, type Alerts } from '../events/alerts.ts';
import { createGatewayEventSource, policyVersion } from '../events/gateway-events.ts';
import { openMetricsEndpoint, type MetricsEndpoint } from './metrics-endpoint.ts';
import { adminToken, openAdminEndpoint } from './admin-endpoint.ts';
import type { AdminServer } from '../admin/admin-server.ts';
import { createTrafficSeries } from '../admin/traffic-series.ts';
import { createAllowlistOverlay } from '../pipeline/allowlist-overlay.ts';
import { openPolicyStore } from '../stores/open-policy-store.ts';
import type { ResilientStoreStats } from '../stores/resilient-store.ts';
import type { PolicyStore } from '../stores/policy-store-types.ts';
import type { AdminConfig, CompiledPolicy } from '../policy/types.ts';
import {
  openPersistedContactGraph,
  type PersistedContactGraph,
  type PersistedContactGraphOptions,
} from '../stores/contact-graph/persisted-contact-graph.ts';

export interface StartOptions {
  readonly policyPath: string;
  /** Overrides the policy's `upstream`. */
  readonly upstream?: string | undefined;
  readonly port: number;
  readonly host: string;
  readonly logger?: Logger;
  /** Bound of the memory store (with Redis: of the local fallback store). */
  readonly maxKeys?: number;
  /** Bound of the memory store's risk records (with Redis: of the local fallback's). */
  readonly maxRiskRecords?: number;
  /** Reload on file change and on SIGHUP (default true). */
  readonly watch?: boolean;
  /** Time for the store, its circuit breaker and the pipeline (default the system clock); tests pass a manual one. */
  readonly clock?: Clock;
  /** This instance's name on its events (default "<hostname>:<pid>"). */
  readonly instance?: string;
  /** Where server.admin's token variable is read (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** An admin listener and its token in place of the policy's server.admin (the demo's one-time login). */
  readonly admin?: { readonly config: AdminConfig; readonly token: string };
}

export interface RunningGateway {
  readonly gateway: Gateway;
  readonly pipeline: Pipeline;
  readonly address: AddressInfo;
  readonly logger: Logger;
  /** The Prometheus endpoint (`server.metrics`), on its own listener; undefined when the policy has none. */
  readonly metrics: MetricsEndpoint | undefined;
  /** The admin API and dashboard (`server.admin`), on its own listener; undefined when the policy has none. */
  readonly admin: AdminServer | undefined;
  /** The event stream: refusals, findings, risk levels, blocks, reloads, store changes (src/events/). */
  readonly events: EventBus;
  /** The policy's alert sinks (`alerts:`), fed by `events`; undefined when the policy has none. */
  readonly alerts: Alerts | undefined;
  /** With a Redis store: the circuit state and the resilient wrapper's counters; else undefined. */
  storeStats(): ResilientStoreStats | undefined;
  /** Applies the policy file again now (what SIGHUP does). */
  reload(): Promise<void>;
  stop(graceMs?: number): Promise<void>;
}

/** Composes policy, store (memory or Redis: stores/open-policy-store.ts), pipeline, upstream pool and server into a running gateway. */
export async function startGateway(options: StartOptions): Promise<RunningGateway> {
  const logger = options.logger ?? pino({ name: 'enumguard' });
  const clock = options.clock ?? systemClock;
  const { policy, text } = await loadPolicySource(options.policyPath);
  const origin = originOf(options, policy);
  // Before anything starts: a policy with server.admin and no token refuses to start.
  const adminSetup = adminSetupOf(options, policy);
  const instance = options.instance ?? `${hostname()}:${process.pid}`;
  const events = createEventBus({
    clock,
    instance,
    onListenerError: (err) => logger.error({ err: errorMessage(err) }, 'an event listener failed'),
  });
  let inForce = policy;
  const source = createGatewayEventSource({
    bus: events,
    policy: () => inForce,
    store: policy.server.store?.kind ?? 'memory',
    initialText: text,
  });
  // server.store is read here only: a reload cannot move a store that is already running.
  const opened = await openPolicyStore(policy, {
    clock,
    logger,
    maxKeys: options.maxKeys || undefined,
    maxRiskRecords: options.maxRiskRecords || undefined,
    onCircuitChange: (state, previous) => source.storeCircuit(state, previous),
  });
  const { store } = opened;
  const contacts = await openGraphFor(policy, { clock, logger }, opened);
  // server.metrics is read at start only, like server.store: a reload does not move a listener.
  const metrics =
    policy.server.metrics === undefined
      ? undefined
      : createGatewayMetrics({
          store: { kind: opened.kind, stats: () => opened.stats() },
          events: () => ({ ...events.stats(), sinks: alerts?.stats() ?? [] }),
        });
  // alerts: is read at start only, like server.store: a reload does not restart delivery.
  let alerts: Alerts | undefined;
  try {
    alerts =
      policy.alerts === undefined
        ? undefined
        : startAlerts({ config: policy.alerts, bus: events, clock, streams: opened.streams, logger });
  } catch (err) {
    await contacts?.close();
    await opened.close();
    throw err;
  }
  const allowlist = createAllowlistOverlay();
  const traffic = createTrafficSeries(clock);
  const pipeline = createPipeline({
    policy,
    store,
    clock,
    logger,
    allowlist,
    ...(contacts === undefined ? {} : { contactGraph: contacts.graph }),
    ...pipelineHooks({ metrics, source, logger }),
  });
  const upstream = createUpstreamPool(origin, { timeoutMs: policy.server.upstreamTimeoutMs });
  const gateway = createGateway({
    pipeline,
    upstream,
    logger,
    onReport: (report: RequestReport) => {
      metrics?.countRequest(report);
      traffic.count(report);
      source.request(report);
    },
  });
  let version = policyVersion(text);
  const { applied, rejected } = policyAppliers(
    options.policyPath,
    { pipeline, metrics, source, logger },
    (next, nextText) => {
      inForce = next;
      version = policyVersion(nextText);
    },
  );

  let address: AddressInfo;
  let endpoint: MetricsEndpoint | undefined;
  let admin: AdminServer | undefined;
  try {
    address = await gateway.listen(options.port, options.host);
    if (metrics !== undefined && policy.server.metrics !== undefined) {
      endpoint = await openMetricsEndpoint(policy.server.metrics, metrics, logger);
    }
    // server.admin is read at start only, like server.metrics.
    if (adminSetup !== undefined) {
      admin = await openAdminEndpoint(
        adminSetup,
        {
          events,
          store: opened,
          pipeline,
          allowlist,
          traffic,
          clock,
          instance,
          policyInfo: () => ({ source: options.policyPath, version }),
          reload: () => reloadFile(options.policyPath, applied, rejected, () => version),
        },
        logger,
      );
    }
  } catch (err) {
    await endpoint?.close();
    alerts?.close();
    await gateway.close(0);
    await contacts?.close();
    await opened.close();
    throw err;
  }

  const watcher =
    options.watch === false
      ? undefined
      : watchPolicy(options.policyPath, {
          initialText: text,
          onChange: applied,
          onError: rejected,
        });
  const onHup = (): void => {
    void watcher?.reload();
  };
  if (watcher) process.on('SIGHUP', onHup);

  logger.info(
    {
      listen: `http://${address.address}:${address.port}`,
      upstream: upstream.origin,
      routes: policy.routes.length,
      store: opened.summary,
      ...(contacts === undefined ? {} : { contactGraph: contacts.path ?? 'memory only: lost on restart' }),
      metrics: endpoint?.url ?? 'off (server.metrics)',
      admin: admin?.url ?? 'off (server.admin)',
      alerts: alertSinks(policy),
    },
    'gateway listening',
  );
  let stopping: Promise<void> | undefined;
  return {
    gateway,
    pipeline,
    address,
    logger,
    metrics: endpoint,
    admin,
    events,
    alerts,
    storeStats: () => opened.stats(),
    reload: async () => {
      if (watcher) await watcher.reload();
    },
    stop(graceMs) {
      // Once: a second signal during the drain must not close things twice.
      stopping ??= (async () => {
        process.off('SIGHUP', onHup);
        watcher?.close();
        alerts?.close();
        // Before the drain too, so an orchestrator that kills a slow drain loses little...
        await Promise.all([opened.save(), contacts?.save()]);
        await gateway.close(graceMs);
        // ...and after it, so the last snapshot holds the last requests' charges.
        await Promise.all([opened.close(), contacts?.close()]);
        await endpoint?.close();
        await admin?.close();
      })();
      return stopping;
    },
  };
}

/**
 * The contact graph of a policy with `accounts`, saved beside the store's snapshot
 * (stores/contact-graph/persisted-contact-graph.ts); undefined without accounts, where nothing
 * uses it (a reload that adds them gets the pipeline's in-memory graph until the next start).
 */
async function openGraphFor(
  policy: CompiledPolicy,
  options: PersistedContactGraphOptions,
  opened: PolicyStore,
): Promise<PersistedContactGraph | undefined> {
  if (policy.accounts === undefined) return undefined;
  try {
    return await openPersistedContactGraph(policy, options);
  } catch (err) {
    await opened.close();
    throw err;
  }
}

/** The alert sinks for the start line: ids only, since a webhook URL can be a credential (Slack's is). */
function alertSinks(policy: CompiledPolicy): string | string[] {
  if (policy.alerts === undefined) return 'off (alerts)';
  return [
    ...policy.alerts.webhooks.map((w) => `${w.id} (${w.format})`),
    ...(policy.alerts.redisStream ? ['redisStream'] : []),
  ];
}

function originOf(options: StartOptions, policy: CompiledPolicy): string {
  const origin = options.upstream ?? policy.upstream;
  if (origin === undefined) {
    throw new EnumguardError(
      'ERR_CONFIG',
      `no upstream: set "upstream" in ${options.policyPath} or pass --upstream http://host:port`,
    );
  }
  return origin;
}

/** The admin listener's config and token: the caller's (the demo), else the policy's server.admin with its env token. */
function adminSetupOf(
  options: StartOptions,
  policy: CompiledPolicy,
): { readonly config: AdminConfig; readonly token: string } | undefined {
  if (options.admin !== undefined) return options.admin;
  const config = policy.server.admin;
  return config === undefined ? undefined : { config, token: adminToken(config, options.env) };
}

function errorMessage(err: unknown): { message: string } {
  return { message: err instanceof Error ? err.message : String(err) };
}
