import * as z from 'zod';
import {
  ALERT_EVENT_TYPES,
  DEFAULT_ALERT_EVENTS,
  WEBHOOK_FORMATS,
  type AlertsConfig,
  type WebhookConfig,
} from './alerts-types.ts';
import { envNameField } from './detect-section.ts';
import { isUnread, type Environment } from './environment.ts';
import { durationField, field, forbidden, idField, intField, positiveIntField } from './fields.ts';
import type { RawIssue } from './issues.ts';
import type { StoreConfig } from './types.ts';
import { describeValue, fail, ok, type PathSegment } from './values.ts';

/**
 * `alerts:`: webhooks (CloudEvents, or the Slack and PagerDuty presets) and a Redis stream
 * that the gateway's events are delivered to (docs/alerts.md). Secrets (the signing key, a
 * Slack URL, a PagerDuty routing key) are named by environment variable, never written here:
 * a policy file is reviewed, versioned and copied around.
 */
export const ALERT_DEFAULTS = {
  windowMs: 10 * 60_000,
  updateEveryMs: 60_000,
  maxIncidents: 10_000,
  timeoutMs: 5_000,
  retries: 4,
  queue: 1_000,
  streamKey: 'enumguard:events',
  streamMaxLen: 100_000,
  streamQueue: 10_000,
  pagerDutyUrl: 'https://events.pagerduty.com/v2/enqueue',
} as const;

/** HMAC keys shorter than this are guessable offline from one signed body (RFC 2104 §3 asks for at least the hash's output, 32 bytes; 16 characters is the floor). */
const MIN_SECRET = 16;

/** Whether a URL carries credentials: fetch refuses to send to one (Fetch Standard, Request constructor). */
function hasCredentials(text: string): boolean {
  const url = URL.parse(text);
  return url !== null && (url.username !== '' || url.password !== '');
}

const webhookUrlField = field((v) => {
  if (typeof v === 'string' && URL.canParse(v)) {
    const url = new URL(v);
    // Not echoed: the part before "@" is a password.
    if (hasCredentials(v))
      return fail<string>(
        'expected an http:// or https:// URL without credentials (user:password@): send them with the signature secret (secretEnv) or keep the whole URL in urlEnv',
      );
    if (url.protocol === 'http:' || url.protocol === 'https:') return ok(v);
  }
  return fail<string>(`expected an http:// or https:// URL, got ${describeValue(v)}`);
});

const eventsField = z
  .array(z.enum(ALERT_EVENT_TYPES))
  .min(1)
  .default([...DEFAULT_ALERT_EVENTS]);

// A delivery timeout under 100 ms fails every receiver across a network; over 60 s holds a
// worker on one hung receiver while its queue drops everything else.
const timeoutField = field((v) => {
  const r = durationField.safeParse(v);
  if (!r.success) return fail<number>(r.error.issues[0]?.message ?? 'expected a duration');
  if (r.data < 100 || r.data > 60_000)
    return fail<number>(`expected from 100ms to 60s, got ${describeValue(v)}`);
  return ok(r.data);
});

const incidentsSchema = z.strictObject({
  window: durationField.default(ALERT_DEFAULTS.windowMs),
  updateEvery: durationField.default(ALERT_DEFAULTS.updateEveryMs),
  max: positiveIntField.default(ALERT_DEFAULTS.maxIncidents),
});

const webhookSchema = z.strictObject({
  id: idField,
  format: z.enum(WEBHOOK_FORMATS).default('cloudevents'),
  url: webhookUrlField.optional(),
  urlEnv: envNameField.optional(),
  secretEnv: envNameField.optional(),
  routingKeyEnv: envNameField.optional(),
  secret: forbidden('secrets are not allowed in the policy; name an environment variable in secretEnv'),
  routingKey: forbidden(
    'secrets are not allowed in the policy; name an environment variable in routingKeyEnv',
  ),
  events: eventsField,
  timeout: timeoutField.default(ALERT_DEFAULTS.timeoutMs),
  retries: intField(0, 10).default(ALERT_DEFAULTS.retries),
  queue: intField(1, 1_000_000).default(ALERT_DEFAULTS.queue),
});

const STREAM_KEY_RE = /^[\x21-\x7e]{1,200}$/;
const redisStreamSchema = z.strictObject({
  key: field((v) =>
    typeof v === 'string' && STREAM_KEY_RE.test(v)
      ? ok(v)
      : fail<string>(`expected a Redis key of 1 to 200 visible characters, got ${describeValue(v)}`),
  ).default(ALERT_DEFAULTS.streamKey),
  maxLen: intField(1, 100_000_000).default(ALERT_DEFAULTS.streamMaxLen),
  events: eventsField,
  queue: intField(1, 1_000_000).default(ALERT_DEFAULTS.streamQueue),
});

export const alertsSchema = z.strictObject({
  incidents: incidentsSchema.prefault({}),
  webhooks: z.array(webhookSchema).default([]),
  redisStream: redisStreamSchema.optional(),
});

export type AlertsDocument = z.output<typeof alertsSchema>;
type WebhookDocument = AlertsDocument['webhooks'][number];

/** Cross-field checks and secrets read from `env`; issues are pushed, undefined fields left out. */
export function buildAlerts(
  doc: AlertsDocument,
  store: StoreConfig | undefined,
  env: Environment,
  issues: RawIssue[],
): AlertsConfig {
  const at = ['alerts'];
  const { window, updateEvery, max } = doc.incidents;
  if (updateEvery > window) {
    issues.push({
      path: [...at, 'incidents', 'updateEvery'],
      message: `updateEvery (${updateEvery} ms) must not be longer than window (${window} ms): an incident would resolve before its first update`,
    });
  }
  const seen = new Map<string, number>();
  const webhooks: WebhookConfig[] = [];
  doc.webhooks.forEach((hook, i) => {
    const here = [...at, 'webhooks', i];
    const first = seen.get(hook.id);
    if (first === undefined) seen.set(hook.id, i);
    else
      issues.push({
        path: [...here, 'id'],
        message: `duplicate webhook id "${hook.id}", also used by webhooks[${first}]`,
      });
    const built = buildWebhook(hook, here, env, issues);
    if (built !== undefined) webhooks.push(built);
  });
  if (doc.redisStream !== undefined && store?.kind !== 'redis') {
    issues.push({
      path: [...at, 'redisStream'],
      message: "redisStream needs server.store redis or cluster: the stream is written on the store's Redis",
    });
  }
  return {
    incidents: { windowMs: window, updateEveryMs: updateEvery, max },
    webhooks,
    redisStream: doc.redisStream,
  };
}

function buildWebhook(
  hook: WebhookDocument,
  at: readonly PathSegment[],
  env: Environment,
  issues: RawIssue[],
): WebhookConfig | undefined {
  const before = issues.length;
  // PagerDuty has one public endpoint: its URL may be left out.
  let url: string | undefined =
    hook.url ??
    (hook.format === 'pagerduty' && hook.urlEnv === undefined ? ALERT_DEFAULTS.pagerDutyUrl : undefined);
  const both = hook.url !== undefined && hook.urlEnv !== undefined;
  if (both || (url === undefined && hook.urlEnv === undefined)) {
    issues.push({
      path: [...at],
      message: 'set exactly one of url or urlEnv' + (both ? ', got url and urlEnv' : ''),
    });
  } else if (hook.urlEnv !== undefined) {
    url = readEnv(env, hook.urlEnv, [...at, 'urlEnv'], issues, 'https://unread.invalid/');
    if (url !== undefined && !webhookUrlField.safeParse(url).success) {
      issues.push({
        path: [...at, 'urlEnv'],
        message: `environment variable ${hook.urlEnv} must hold an http:// or https:// URL${hasCredentials(url) ? ' without credentials (user:password@)' : ''}`,
      });
    }
  }
  if (hook.format === 'cloudevents' && hook.secretEnv === undefined) {
    issues.push({
      path: [...at, 'secretEnv'],
      message:
        'format cloudevents needs secretEnv: receivers check the signature to tell our alerts from forged ones',
    });
  }
  const secret =
    hook.secretEnv === undefined
      ? undefined
      : readEnv(env, hook.secretEnv, [...at, 'secretEnv'], issues, 'u'.repeat(MIN_SECRET));
  if (secret !== undefined && secret.length < MIN_SECRET) {
    issues.push({
      path: [...at, 'secretEnv'],
      message: `environment variable ${hook.secretEnv} must hold at least ${MIN_SECRET} characters, got ${secret.length}`,
    });
  }
  let routingKey: string | undefined;
  if (hook.format === 'pagerduty') {
    if (hook.routingKeyEnv === undefined) {
      issues.push({
        path: [...at, 'routingKeyEnv'],
        message: 'format pagerduty needs routingKeyEnv, the integration key of the service to page',
      });
    } else routingKey = readEnv(env, hook.routingKeyEnv, [...at, 'routingKeyEnv'], issues, 'unread');
  } else if (hook.routingKeyEnv !== undefined) {
    issues.push({
      path: [...at, 'routingKeyEnv'],
      message: `routingKeyEnv is for format pagerduty, not ${hook.format}`,
    });
  }
  if (issues.length > before || url === undefined) return undefined;
  return {
    id: hook.id,
    format: hook.format,
    url,
    urlFrom: hook.urlEnv ?? 'url',
    secret,
    routingKey,
    events: hook.events,
    timeoutMs: hook.timeout,
    retries: hook.retries,
    queue: hook.queue,
  };
}

function readEnv(
  env: Environment,
  name: string,
  path: PathSegment[],
  issues: RawIssue[],
  /** What an unread environment yields: a value that passes this field's checks (RFC 6761 .invalid for a URL). */
  standIn: string,
): string | undefined {
  if (isUnread(env)) return standIn;
  const value = env[name];
  if (value === undefined || value === '') {
    issues.push({ path, message: `environment variable ${name} is not set` });
    return undefined;
  }
  return value;
}
