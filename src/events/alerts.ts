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
  /** How often incidents are checked for updates and resolves (default: 1 s, or updateEvery if shorter). */
  readonly tickMs?: number;
}

export interface Alerts {
  stats(): readonly SinkStats[];
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
  const unsubscribe = bus.subscribe((event) => {
    for (const sink of sinks) sink.accept(event);
  });
  const tickMs = options.tickMs ?? Math.max(10, Math.min(1000, config.incidents.updateEveryMs));
  const timer = setInterval(() => {
    for (const sink of sinks) sink.tick();
  }, tickMs);
  timer.unref();
  return {
    stats: () => sinks.map((s) => s.stats()),
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
