import type { Clock } from '../core/clock.ts';
import type { IncidentConfig, WebhookConfig } from '../policy/alerts-types.ts';
import { formatAlert } from './alert-formats.ts';
import { createDeliveryQueue, type DeliveryResult, type DeliveryStats } from './delivery-queue.ts';
import type { EnumguardEvent } from './event-types.ts';
import { createIncidentTable, type Alert } from './incidents.ts';
import { SIGNATURE_HEADER, signatureHeader } from './signature.ts';

export interface SinkLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface SinkStats extends DeliveryStats {
  readonly sink: string;
  readonly kind: 'webhook' | 'redis-stream';
  /** Incidents open now and evicted so far (webhooks; 0 for the stream, which sends every event). */
  readonly incidentsOpen: number;
  readonly incidentsEvicted: number;
}

/** A destination for events: `accept` is called on the request path and must only enqueue. */
export interface EventSink {
  readonly id: string;
  accept(event: EnumguardEvent): void;
  /** Periodic work (incident updates and resolves); cheap, called about once a second. */
  tick(): void;
  stats(): SinkStats;
  idle(): Promise<void>;
  close(): void;
}

export interface WebhookSinkOptions {
  readonly config: WebhookConfig;
  readonly incidents: IncidentConfig;
  readonly clock: Clock;
  readonly logger?: SinkLogger | undefined;
  /** Tests fix the jitter. */
  readonly random?: () => number;
}

/** Retry-After in seconds (RFC 9110 §10.2.3); an HTTP date or garbage counts as absent. */
function retryAfterMs(value: string | null): number | undefined {
  if (value === null || !/^\d{1,6}$/.test(value.trim())) return undefined;
  return Number(value.trim()) * 1000;
}

/**
 * A webhook: events its filter wants are grouped into incidents (incidents.ts), and each
 * alert is formatted (CloudEvents, Slack, PagerDuty), signed and POSTed by a bounded delivery
 * queue. A 2xx is delivered; 408, 429 and 5xx, a timeout or a network error are retried;
 * any other 4xx will not get better and fails at once. Logs name the sink id, never its URL
 * (a Slack URL is a credential) and never a body.
 */
export function createWebhookSink(options: WebhookSinkOptions): EventSink {
  const { config, clock, logger } = options;
  const wanted = new Set<string>(config.events);
  const table = createIncidentTable(options.incidents, clock);
  let failing = false;
  // Aborts an attempt in flight on close(), so a hung receiver cannot hold a stopping gateway.
  const stopping = new AbortController();

  async function send(alert: Alert): Promise<DeliveryResult> {
    const { contentType, body } = formatAlert(config.format, alert, config.routingKey);
    const headers: Record<string, string> = { 'content-type': contentType, 'user-agent': 'enumguard' };
    if (config.secret !== undefined)
      headers[SIGNATURE_HEADER] = signatureHeader(config.secret, body, clock.now() / 1000);
    let result: DeliveryResult;
    try {
      const res = await fetch(config.url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.any([AbortSignal.timeout(config.timeoutMs), stopping.signal]),
        redirect: 'error',
      });
      // The answer's body is not read; cancelling frees the connection for the next alert.
      await res.body?.cancel().catch(() => undefined);
      if (res.ok) result = { ok: true };
      else {
        const retry = res.status === 408 || res.status === 429 || res.status >= 500;
        result = { ok: false, retry, retryAfterMs: retryAfterMs(res.headers.get('retry-after')) };
        note(`answered ${res.status}`);
      }
    } catch (err) {
      const name = err instanceof Error ? err.name : 'Error';
      note(name === 'TimeoutError' ? `no answer within ${config.timeoutMs} ms` : 'could not be reached');
      result = { ok: false, retry: true };
    }
    if (result.ok && failing) {
      failing = false;
      logger?.info({ sink: config.id }, 'alert webhook delivers again');
    }
    return result;
  }

  // One warning when a receiver starts failing, one info when it is back: not one per attempt.
  function note(what: string): void {
    if (failing) return;
    failing = true;
    logger?.warn({ sink: config.id, format: config.format }, `alert webhook ${what}; retrying with backoff`);
  }

  const queue = createDeliveryQueue<Alert>({
    capacity: config.queue,
    retries: config.retries,
    send,
    ...(options.random ? { random: options.random } : {}),
  });

  return {
    id: config.id,
    accept(event) {
      if (!wanted.has(event.type)) return;
      const trigger = table.add(event);
      if (trigger !== undefined) queue.push(trigger);
    },
    tick() {
      for (const alert of table.tick()) queue.push(alert);
    },
    stats() {
      const incidents = table.stats();
      return {
        sink: config.id,
        kind: 'webhook',
        ...queue.stats(),
        incidentsOpen: incidents.open,
        incidentsEvicted: incidents.evicted,
      };
    },
    idle: () => queue.idle(),
    close() {
      queue.close();
      stopping.abort();
    },
  };
}
