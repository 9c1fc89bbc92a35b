import type { Clock } from '../core/clock.ts';
import { EnumguardError } from '../core/errors.ts';
import type { AlertEventType, AlertsConfig } from '../policy/alerts-types.ts';
import type { RedisStreamWriter } from '../stores/policy-store-types.ts';
import type { EventBus, EventType } from './event-types.ts';
import { createRedisStreamSink } from './redis-stream-sink.ts';
import { createWebhookSink, type EventSink, type SinkLogger, type SinkStats } from './webhook-sink.ts';

// The policy's `events:` filters (policy/alerts-types.ts) name exactly the bus's event types:
// adding a type to one without the other fails the build here.
type SameUnion<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const EVENT_TYPES_MATCH_POLICY: SameUnion<EventType, AlertEventType> = true;

export interface AlertsOptions {
  readonly config: AlertsConfig;
  readonly bus: EventBus;
  readonly clock: Clock;
  /** The store's Redis stream writer (PolicyStore.streams); required when the policy has redisStream. */
  readonly streams?: RedisStreamWriter | undefined;
  readonly logger?: SinkLogger | undefined;
  /** Sinks of the embedding program's own (e.g. a SIEM client), fed like the policy's. */
  readonly extraSinks?: readonly EventSink[] | undefined;
  /** How often incidents are checked for updates and resolves (default: 1 s, or updateEvery if shorter). */
  readonly tickMs?: number;
}

/** A sink's figures, with the events its intake threw on (a bug, not load: logged once per sink). */
export interface AlertSinkStats extends SinkStats {
  readonly intakeErrors: number;
}

export interface Alerts {
  stats(): readonly AlertSinkStats[];
  /** Resolves when every sink has sent what it holds (tests and benchmarks). */
  idle(): Promise<void>;
  /** Unsubscribes, stops the timer and the sinks (what is queued is dropped and counted). */
  close(): void;
}

/**
 * The policy's alert sinks, fed by the bus. The bus calls `accept` synchronously on the
 * request path; each sink only filters by type, folds the event into its incident table and
 * enqueues (O(1)); delivery runs on its own, so a slow or dead receiver never holds a request.
 */
export function startAlerts(options: AlertsOptions): Alerts {
  const { config, bus, clock, logger } = options;
  const sinks: EventSink[] = config.webhooks.map((hook) =>
    createWebhookSink({ config: hook, incidents: config.incidents, clock, logger }),
  );
  if (config.redisStream !== undefined) {
    if (options.streams === undefined) {
      throw new EnumguardError(
        'ERR_CONFIG',
        'alerts.redisStream needs a Redis store (server.store redis or cluster)',
      );
    }
    sinks.push(createRedisStreamSink(config.redisStream, options.streams, logger));
  }
  sinks.push(...(options.extraSinks ?? []));
  // Each sink's intake is guarded on its own, so one that throws costs the others nothing.
  const intakeErrors = sinks.map(() => 0);
  const unsubscribe = bus.subscribe((event) => {
    sinks.forEach((sink, i) => {
      try {
        sink.accept(event);
      } catch (err) {
        if ((intakeErrors[i] = (intakeErrors[i] ?? 0) + 1) === 1)
          logger?.warn(
            { err, sink: sink.id },
            'an alert sink failed to take an event; it is counted and skipped',
          );
      }
    });
  });
  const tickMs = options.tickMs ?? Math.max(10, Math.min(1000, config.incidents.updateEveryMs));
  const timer = setInterval(() => {
    for (const sink of sinks) sink.tick();
  }, tickMs);
  timer.unref();
  return {
    stats: () => sinks.map((s, i) => ({ ...s.stats(), intakeErrors: intakeErrors[i] ?? 0 })),
    idle: async () => {
      await Promise.all(sinks.map((s) => s.idle()));
    },
    close() {
      unsubscribe();
      clearInterval(timer);
      for (const sink of sinks) sink.close();
    },
  };
}
