import type { EnumguardEvent, Subject } from './event-types.ts';
import type { Alert } from './incidents.ts';

/** How urgent an alert is, in the vocabulary PagerDuty's `severity` uses. */
export type Severity = 'critical' | 'error' | 'warning' | 'info';

export function severityOf(e: EnumguardEvent): Severity {
  switch (e.type) {
    case 'block-started':
      return 'critical';
    case 'finding':
      return e.shadow ? 'warning' : 'error';
    case 'store-fallback':
    case 'policy-rejected':
      return 'error';
    case 'risk-level':
      return e.to === 'block' || e.to === 'challenge' ? 'error' : 'warning';
    case 'refusal':
      return 'warning';
    default:
      return 'info';
  }
}

function subjectText(s: Subject): string {
  return s.kind === 'identity' ? `identity ${s.tag}` : `network ${s.prefix}`;
}

function who(tag: string | undefined, prefix: string | undefined): string {
  return [tag === undefined ? '' : `identity ${tag}`, prefix === undefined ? '' : `network ${prefix}`]
    .filter((s) => s !== '')
    .join(' from ');
}

/** One line for a human: what happened and to whom. Tags and prefixes only, never a key or a number. */
export function describeEvent(e: EnumguardEvent): string {
  switch (e.type) {
    case 'refusal':
      return `refused ${e.status} ${e.reason} on ${e.route ?? 'no route'}${e.identityTag || e.prefix ? ` for ${who(e.identityTag, e.prefix)}` : ''}`;
    case 'finding':
      return `${e.shadow ? 'shadow ' : ''}finding ${e.detector} on ${e.route}: ${who(e.identityTag, e.prefix)} (${e.detail}); level ${e.level}, score ${Math.round(e.score * 10) / 10}`;
    case 'risk-level':
      return `risk level of ${subjectText(e.subject)}: ${e.from} → ${e.to}`;
    case 'block-started':
      return `block started on ${subjectText(e.subject)} by ${e.by}${e.until === undefined ? '' : ` until ${new Date(e.until).toISOString()}`}`;
    case 'block-lifted':
      return `block lifted on ${subjectText(e.subject)} by ${e.by}`;
    case 'policy-reloaded':
      return `policy ${e.source} reloaded (version ${e.version})`;
    case 'policy-rejected':
      return `policy ${e.source} rejected, version ${e.version} stays in force: ${e.error ?? 'unknown error'}`;
    case 'store-fallback':
      return `store ${e.store} unavailable, answering from the fallback: ${e.detail}`;
    case 'store-recovered':
      return `store ${e.store} answers again: ${e.detail}`;
    case 'population-surge':
      return `population surge on ${e.route}: accounts nobody vouches for spent the shared reveal budget; they all wait ${Math.ceil(e.retryAfterMs / 1000)} s per reveal`;
    case 'admin-action':
      return `admin ${e.action}: ${e.detail}`;
  }
}

/** The alert's one-line title: the action, the incident's first event, and its count. */
export function alertSummary(a: Alert): string {
  const prefix = a.action === 'trigger' ? '' : a.action === 'update' ? '[update] ' : '[resolved] ';
  const count = a.count > 1 ? ` (${a.count} events)` : '';
  return `${prefix}enumguard ${a.first.instance}: ${describeEvent(a.first)}${count}`;
}
