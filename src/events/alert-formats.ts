import type { WebhookFormat } from '../policy/alerts-types.ts';
import { alertSummary, describeEvent, severityOf } from './alert-summary.ts';
import type { Alert } from './incidents.ts';

/** A request body ready to send and its media type. */
export interface AlertBody {
  readonly contentType: string;
  readonly body: string;
}

/** The CloudEvents `type` of an event: reverse-DNS prefixed, as CloudEvents 1.0 §3.1.1 recommends. */
export const cloudEventType = (eventType: string): string => `dev.enumguard.${eventType}`;

/**
 * CloudEvents 1.0 structured mode (HTTP protocol binding §3.2, JSON format): the envelope and
 * the data in one JSON document, media type application/cloudevents+json. `id` is the
 * incident's first event id and the alert's sequence: the same on every retry of one alert
 * (receivers dedupe on source + id, CloudEvents §3.1.1), different for each update.
 */
export function cloudEvent(a: Alert): AlertBody {
  const envelope = {
    specversion: '1.0',
    id: `${a.first.id}.${a.seq}`,
    source: `/enumguard/${encodeURIComponent(a.first.instance)}`,
    type: cloudEventType(a.first.type),
    subject: a.key,
    time: new Date(a.latest.at).toISOString(),
    datacontenttype: 'application/json',
    data: {
      action: a.action,
      incident: a.key,
      count: a.count,
      firstAt: new Date(a.first.at).toISOString(),
      lastAt: new Date(a.latest.at).toISOString(),
      summary: describeEvent(a.first),
      first: a.first,
      latest: a.latest,
    },
  };
  return { contentType: 'application/cloudevents+json; charset=utf-8', body: JSON.stringify(envelope) };
}

// Slack's mrkdwn treats &, < and > as control characters (api.slack.com "Formatting text").
const slackEscape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A Slack incoming webhook message: `text` (the notification and the fallback) and Block Kit
 * `blocks` (a header and a section with the incident's fields). Slack caps a header at 150
 * characters and a section's text at 3000.
 */
export function slackMessage(a: Alert): AlertBody {
  const title = alertSummary(a);
  const fields = [
    `*Event*\n${a.first.type}`,
    `*Severity*\n${severityOf(a.first)}`,
    `*Count*\n${a.count}`,
    `*Instance*\n${slackEscape(a.first.instance)}`,
  ];
  const message = {
    text: slackEscape(title),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: slackEscape(describeEvent(a.latest)).slice(0, 3000) },
      },
      { type: 'section', fields: fields.map((text) => ({ type: 'mrkdwn', text })) },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: `incident \`${slackEscape(a.key)}\` · ${a.action}` }],
      },
    ],
  };
  return { contentType: 'application/json', body: JSON.stringify(message) };
}

/**
 * PagerDuty Events API v2 (POST /v2/enqueue): `trigger` for the first alert and its updates
 * (the same `dedup_key` folds them into one PagerDuty alert), `resolve` when the incident
 * goes quiet. `summary` is capped at 1024 characters by the API.
 */
export function pagerDutyEvent(a: Alert, routingKey: string): AlertBody {
  const event =
    a.action === 'resolve'
      ? { routing_key: routingKey, event_action: 'resolve', dedup_key: a.key }
      : {
          routing_key: routingKey,
          event_action: 'trigger',
          dedup_key: a.key,
          payload: {
            summary: alertSummary(a).slice(0, 1024),
            source: a.first.instance,
            severity: severityOf(a.first),
            timestamp: new Date(a.first.at).toISOString(),
            component: 'enumguard',
            class: a.first.type,
            custom_details: {
              count: a.count,
              incident: a.key,
              latest: describeEvent(a.latest),
              first: a.first,
            },
          },
        };
  return { contentType: 'application/json', body: JSON.stringify(event) };
}

export function formatAlert(format: WebhookFormat, a: Alert, routingKey: string | undefined): AlertBody {
  switch (format) {
    case 'cloudevents':
      return cloudEvent(a);
    case 'slack':
      return slackMessage(a);
    case 'pagerduty':
      return pagerDutyEvent(a, routingKey ?? '');
  }
}
