/**
 * The policy's `alerts:` section once compiled (src/policy/alerts-section.ts): where the
 * gateway's events go besides the in-memory ring. Read at start only, like server.store and
 * server.metrics: a reload does not restart delivery workers or drop their queues.
 */

/**
 * Every event type the gateway emits (src/events/event-types.ts pins the same list at compile
 * time), so a sink's `events:` filter is checked here, with a line, before anything runs.
 */
export const ALERT_EVENT_TYPES = [
  'refusal',
  'finding',
  'risk-level',
  'block-started',
  'block-lifted',
  'policy-reloaded',
  'policy-rejected',
  'store-fallback',
  'store-recovered',
  'population-surge',
  'admin-action',
] as const;
export type AlertEventType = (typeof ALERT_EVENT_TYPES)[number];

/**
 * What a sink receives when its policy says nothing: what someone on call acts on (a scan
 * found, a block, the shared store lost, a broken policy edit, a surge of new accounts), not every refused request,
 * which an attack produces by the million and metrics already count.
 */
export const DEFAULT_ALERT_EVENTS: readonly AlertEventType[] = [
  'finding',
  'block-started',
  'store-fallback',
  'policy-rejected',
  'population-surge',
];

export const WEBHOOK_FORMATS = ['cloudevents', 'slack', 'pagerduty'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** How events become incidents: one alert per incident, then updates, then a resolve. */
export interface IncidentConfig {
  /** An incident with no new event for this long is resolved. */
  readonly windowMs: number;
  /** Least time between two updates of one incident (later events are folded into counts). */
  readonly updateEveryMs: number;
  /** Most incidents open at once per sink; past it the least recently seen is dropped. */
  readonly max: number;
}

export interface WebhookConfig {
  readonly id: string;
  readonly format: WebhookFormat;
  /** The receiver's URL (read from `urlEnv` when the URL is itself a secret, as Slack's is). */
  readonly url: string;
  /** Where the URL came from, for logs: "url" or the variable's name (never the URL). */
  readonly urlFrom: string;
  /** The HMAC-SHA256 key of the `enumguard-signature` header; undefined: unsigned. */
  readonly secret: string | undefined;
  /** PagerDuty Events v2 `routing_key` (format pagerduty only). */
  readonly routingKey: string | undefined;
  readonly events: readonly AlertEventType[];
  readonly timeoutMs: number;
  /** Retries after the first attempt of one alert, with exponential backoff and full jitter. */
  readonly retries: number;
  /** Alerts waiting to be sent; past it new ones are dropped and counted. */
  readonly queue: number;
}

export interface RedisStreamConfig {
  readonly key: string;
  /** `XADD … MAXLEN ~ maxLen`: Redis trims the stream to about this many entries. */
  readonly maxLen: number;
  readonly events: readonly AlertEventType[];
  readonly queue: number;
}

export interface AlertsConfig {
  readonly incidents: IncidentConfig;
  readonly webhooks: readonly WebhookConfig[];
  readonly redisStream: RedisStreamConfig | undefined;
}
