import type { RiskLevel } from '../core/risk-config.ts';

/**
 * The gateway's event stream (issue 14): every refusal, detector finding, risk level change,
 * block started or lifted, policy reload, store fallback and admin change, as typed data.
 *
 * Events carry no secret and no contact data: identities appear only as `identityTag` (a keyed
 * digest, the same one the log uses), never as the raw key (a bearer token) or a phone number;
 * networks appear as their prefix ("198.51.100.0/24", an IPv6 /64).
 */
interface EventBase {
  /** A unique id (for CloudEvents `id` and SSE `id`), e.g. "<instance>-<sequence>". */
  readonly id: string;
  /** Milliseconds since the epoch, from the gateway's clock. */
  readonly at: number;
  /** The gateway instance that saw it. */
  readonly instance: string;
}

/** Whom an event is about: an identity (by tag) or a network (by prefix). */
export type Subject =
  { readonly kind: 'identity'; readonly tag: string } | { readonly kind: 'network'; readonly prefix: string };

/** A request refused or withheld, by reason (the problem code or decision reason sent). */
export interface RefusalEvent extends EventBase {
  readonly type: 'refusal';
  readonly route: string | undefined;
  readonly reason: string;
  readonly status: number;
  /** For risk refusals, the layer whose score decided it ("account", "network", "cohort"). */
  readonly layer?: string | undefined;
  readonly identityTag?: string | undefined;
  readonly prefix?: string | undefined;
}

/** A detector's finding after it reached the store. */
export interface FindingEvent extends EventBase {
  readonly type: 'finding';
  readonly route: string;
  readonly detector: string;
  readonly identityTag: string | undefined;
  readonly prefix: string;
  readonly weight: number;
  readonly shadow: boolean;
  readonly level: RiskLevel;
  readonly wouldBe: RiskLevel;
  readonly score: number;
  /** The detector's summary (e.g. the swept number block's prefix); no target numbers. */
  readonly detail: string;
  /**
   * Range-density findings only: the swept number block as its prefix with an x per hidden digit
   * ("+4477001xxxx"), never a whole number. The admin API's hot blocks group by it.
   */
  readonly block?: string | undefined;
}

/** A subject's enforced risk level changed (e.g. observe → shrink). */
export interface RiskLevelEvent extends EventBase {
  readonly type: 'risk-level';
  readonly subject: Subject;
  readonly from: RiskLevel;
  readonly to: RiskLevel;
  readonly score: number;
}

/** A block started (by a detector's score or by an operator) or was lifted. */
export interface BlockEvent extends EventBase {
  readonly type: 'block-started' | 'block-lifted';
  readonly subject: Subject;
  readonly by: 'detector' | 'admin' | 'expiry';
  /** When a started block ends, if known. */
  readonly until?: number | undefined;
  readonly note?: string | undefined;
}

/** A policy reload applied or refused (the last good policy stays in force). */
export interface PolicyEvent extends EventBase {
  readonly type: 'policy-reloaded' | 'policy-rejected';
  readonly source: string;
  /** A digest of the policy text in force after the event. */
  readonly version: string;
  readonly error?: string | undefined;
}

/** The shared store stopped answering (a fallback answers) or answers again. */
export interface StoreEvent extends EventBase {
  readonly type: 'store-fallback' | 'store-recovered';
  readonly store: string;
  readonly detail: string;
}

/**
 * The population budget (policy `contacts.population`) ran dry: the accounts nobody anchored
 * vouches for are discovering strangers faster than the policy expects of all of them together,
 * and every one of them now waits. A swarm of new accounts is the usual cause. Raised at most once
 * a minute while it lasts.
 */
export interface SurgeEvent extends EventBase {
  readonly type: 'population-surge';
  readonly route: string;
  /** When the budget gives the next reveal. */
  readonly retryAfterMs: number;
}

/** An operator's change through the admin API (blocks and reloads have their own events too). */
export interface AdminEvent extends EventBase {
  readonly type: 'admin-action';
  readonly action: string;
  readonly detail: string;
}

export type EnumguardEvent =
  | RefusalEvent
  | FindingEvent
  | RiskLevelEvent
  | BlockEvent
  | PolicyEvent
  | StoreEvent
  | SurgeEvent
  | AdminEvent;

export type EventType = EnumguardEvent['type'];

/** An event before the bus stamps it with id, instance and (if absent) time. */
export type EventInput = EnumguardEvent extends infer E
  ? E extends EnumguardEvent
    ? Omit<E, 'id' | 'instance' | 'at'> & { readonly at?: number }
    : never
  : never;

/**
 * The bus between the request path and everything that watches it (alert sinks, the admin
 * API's SSE and queries, metrics). `emit` never blocks and never throws: a full queue drops
 * the event and counts it.
 */
export interface EventBus {
  emit(event: EventInput): void;
  /** The last events kept in memory, newest last, optionally only of some types. */
  recent(limit: number, types?: readonly EventType[]): readonly EnumguardEvent[];
  /** Called for each event after it is stamped; returns the unsubscribe function. */
  subscribe(listener: (event: EnumguardEvent) => void): () => void;
  stats(): { readonly emitted: number; readonly dropped: number; readonly kept: number };
}
