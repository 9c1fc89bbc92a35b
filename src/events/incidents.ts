import type { Clock } from '../core/clock.ts';
import type { IncidentConfig } from '../policy/alerts-types.ts';
import type { EnumguardEvent } from './event-types.ts';

/** What a sink sends: the first event of an incident at once, then folded updates, then a resolve. */
export interface Alert {
  readonly action: 'trigger' | 'update' | 'resolve';
  /** The incident's grouping key: "<type>|<detector or reason>|<subject>" (no secret: tags and prefixes). */
  readonly key: string;
  /** A sequence number per incident (0 for its trigger), so a receiver can order and dedupe. */
  readonly seq: number;
  /** The incident's first event (its id names the incident). */
  readonly first: EnumguardEvent;
  /** The latest event folded in (the first one for a trigger). */
  readonly latest: EnumguardEvent;
  /** Events in the incident so far, the first included. */
  readonly count: number;
}

export interface IncidentTable {
  /** Folds an event in; returns the trigger to send now when it opens an incident. */
  add(event: EnumguardEvent): Alert | undefined;
  /** Updates that are due (new events, `updateEvery` since the last) and resolves (`window` of quiet). */
  tick(): Alert[];
  stats(): { readonly open: number; readonly evicted: number };
}

interface Incident {
  readonly key: string;
  readonly first: EnumguardEvent;
  latest: EnumguardEvent;
  count: number;
  /** `count` when the last alert went out. */
  sentCount: number;
  lastSentAt: number;
  seq: number;
}

/** Whom an event is about, as text: an identity's tag, else a network prefix, else its source. */
function subjectOf(e: EnumguardEvent): string {
  switch (e.type) {
    case 'refusal':
      return e.identityTag !== undefined
        ? `id:${e.identityTag}`
        : e.prefix !== undefined
          ? `net:${e.prefix}`
          : '';
    case 'finding':
      return e.identityTag !== undefined ? `id:${e.identityTag}` : `net:${e.prefix}`;
    case 'risk-level':
    case 'block-started':
    case 'block-lifted':
      return e.subject.kind === 'identity' ? `id:${e.subject.tag}` : `net:${e.subject.prefix}`;
    case 'policy-reloaded':
    case 'policy-rejected':
      return e.source;
    case 'store-fallback':
    case 'store-recovered':
      return e.store;
    case 'population-surge':
      return e.route;
    case 'admin-action':
      return '';
  }
}

/** The "what" of an incident besides its type: the detector, the refusal reason, the level. */
function causeOf(e: EnumguardEvent): string {
  switch (e.type) {
    case 'refusal':
      return e.reason;
    case 'finding':
      return e.detector;
    case 'risk-level':
      return e.to;
    case 'admin-action':
      return e.action;
    default:
      return '';
  }
}

/** The incident an event belongs to: one per (type, detector or reason, subject). */
export function incidentKey(e: EnumguardEvent): string {
  return `${e.type}|${causeOf(e)}|${subjectOf(e)}`;
}

/**
 * One alert per incident, not one per request: events with the same key within `windowMs` of
 * each other are one incident. The first is sent at once (a finding must reach someone within
 * seconds); the rest only raise its count, sent as an update at most every `updateEveryMs`;
 * after `windowMs` without an event the incident is resolved. At most `max` incidents are
 * open: a flood of distinct subjects evicts the least recently seen (counted), so memory is
 * bounded whatever an attacker varies. The Map's order is recency: a touched incident moves
 * to the end, so the first entry is always the one to evict.
 */
export function createIncidentTable(config: IncidentConfig, clock: Clock): IncidentTable {
  const open = new Map<string, Incident>();
  let evicted = 0;
  // The incident touched last is already at the Map's end: a flood from one subject skips the move.
  let lastKey: string | undefined;

  function alert(i: Incident, action: Alert['action']): Alert {
    const out: Alert = { action, key: i.key, seq: i.seq, first: i.first, latest: i.latest, count: i.count };
    i.seq++;
    i.sentCount = i.count;
    i.lastSentAt = clock.now();
    return out;
  }

  return {
    add(event) {
      const key = incidentKey(event);
      const known = open.get(key);
      if (known !== undefined && event.at - known.latest.at < config.windowMs) {
        known.latest = event;
        known.count++;
        if (key !== lastKey) {
          open.delete(key);
          open.set(key, known);
          lastKey = key;
        }
        return undefined;
      }
      // A stale incident the tick has not resolved yet is replaced by a fresh one.
      if (known !== undefined) open.delete(key);
      else if (open.size >= config.max) {
        const oldest = open.keys().next().value;
        if (oldest !== undefined) open.delete(oldest);
        evicted++;
      }
      const incident: Incident = {
        key,
        first: event,
        latest: event,
        count: 1,
        sentCount: 0,
        lastSentAt: 0,
        seq: 0,
      };
      open.set(key, incident);
      lastKey = key;
      return alert(incident, 'trigger');
    },
    tick() {
      const now = clock.now();
      const out: Alert[] = [];
      for (const [key, i] of open) {
        if (now - i.latest.at >= config.windowMs) {
          open.delete(key);
          if (key === lastKey) lastKey = undefined;
          out.push(alert(i, 'resolve'));
        } else if (i.count > i.sentCount && now - i.lastSentAt >= config.updateEveryMs) {
          out.push(alert(i, 'update'));
        }
      }
      return out;
    },
    stats: () => ({ open: open.size, evicted }),
  };
}
