import { createHash } from 'node:crypto';
import type { RiskLevel } from '../core/risk-config.ts';
import { prefixKey } from '../identity/cidr.ts';
import { identityKey } from '../identity/identity-key.ts';
import { parseHostAddress } from '../identity/ip.ts';
import { keyValue } from '../pipeline/limit-keys.ts';
import type { RiskEvent } from '../pipeline/risk-gate.ts';
import type { Caller } from '../pipeline/types.ts';
import type { PopulationSurge } from '../pipeline/reveal/surge-signal.ts';
import type { CompiledPolicy } from '../policy/types.ts';
import type { BreakerState } from '../stores/circuit-breaker.ts';
import type { EventBus, Subject } from './event-types.ts';

/** What the event stream reads of a finished request (the gateway's RequestReport is one). */
export interface RequestOutcome {
  readonly route: string | undefined;
  readonly outcome: 'allowed' | 'denied' | 'withheld';
  readonly reason: string;
  readonly status: number;
  readonly caller?: Caller | undefined;
}

export interface GatewayEventSourceOptions {
  readonly bus: EventBus;
  /** The policy in force (its risk.ipPrefix sets how networks are named). */
  readonly policy: () => CompiledPolicy;
  /** The store's name in store events ("redis 127.0.0.1:6379"). */
  readonly store: string;
  /** Subjects whose last risk level is remembered (default 10,000; least recently seen forgotten). */
  readonly maxSubjects?: number;
  /** The text of the policy loaded at start: the version a first rejected reload names. */
  readonly initialText?: string;
}

/** Turns what the gateway's parts report into events on the bus; every method is O(1). */
export interface GatewayEventSource {
  request(outcome: RequestOutcome): void;
  risk(event: RiskEvent): void;
  policyReloaded(source: string, text: string): void;
  policyRejected(source: string, err: unknown): void;
  storeCircuit(state: BreakerState, previous: BreakerState): void;
  surge(surge: PopulationSurge): void;
}

/** The same 12-hex-digit digest the risk gate logs (pipeline/risk-gate.ts `tag`), so one caller has one tag. */
export function identityTag(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

/** A policy text's version: the first 16 hex digits of its SHA-256. */
export function policyVersion(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

export function createGatewayEventSource(options: GatewayEventSourceOptions): GatewayEventSource {
  const { bus } = options;
  const maxSubjects = Math.max(1, options.maxSubjects ?? 10_000);
  // Last known level per subject, in recency order (a touched subject moves to the end), so
  // the first entry is the one to forget: a flood of new subjects cannot grow it.
  const levels = new Map<string, RiskLevel>();
  let version = options.initialText === undefined ? '' : policyVersion(options.initialText);

  function prefixOf(ip: string): string | undefined {
    const parsed = parseHostAddress(ip);
    if (parsed === undefined) return undefined;
    const bits = options.policy().risk?.ipPrefix ?? { v4: 24, v6: 64 };
    return prefixKey(parsed, bits.v4, bits.v6);
  }

  /**
   * The key the risk gate scores this caller by (risk-gate.ts lookupFor), so a refusal names
   * the caller by the same tag as its findings, blocks and the admin API. Undefined when the
   * policy scores a header (the report carries no headers: no tag beats a wrong one) or the
   * caller is anonymous. Without a risk section: the identity, else the account.
   */
  function riskKeyOf(caller: Caller): string | undefined {
    const scored = options.policy().risk?.identity;
    if (scored === undefined)
      return caller.identity !== undefined ? identityKey(caller.identity) : caller.account;
    if (scored.kind === 'header') return undefined;
    const value = keyValue(scored, caller, {});
    return value === '' || value.startsWith('anon:') ? undefined : value;
  }

  // A flood of refusals comes from few callers: their tags are remembered (bounded) rather
  // than hashed again per request.
  const tags = new Map<string, string>();
  function tagOf(caller: Caller): string | undefined {
    const key = riskKeyOf(caller);
    if (key === undefined) return undefined;
    let tag = tags.get(key);
    if (tag === undefined) {
      if (tags.size >= 1024) tags.clear();
      tag = identityTag(key);
      tags.set(key, tag);
    }
    return tag;
  }

  function remember(key: string, level: RiskLevel): RiskLevel {
    const before = levels.get(key) ?? 'none';
    levels.delete(key);
    levels.set(key, level);
    if (levels.size > maxSubjects) {
      const oldest = levels.keys().next().value;
      if (oldest !== undefined) levels.delete(oldest);
    }
    return before;
  }

  return {
    surge(s) {
      bus.emit({ type: 'population-surge', at: s.at, route: s.route, retryAfterMs: s.retryAfterMs });
    },
    request(r) {
      if (r.outcome === 'allowed') return;
      const caller = r.caller;
      bus.emit({
        type: 'refusal',
        route: r.route,
        reason: r.reason,
        status: r.status,
        identityTag: caller === undefined ? undefined : tagOf(caller),
        prefix: caller === undefined ? undefined : prefixOf(caller.ip),
      });
    },
    risk(e) {
      bus.emit({
        type: 'finding',
        at: e.at,
        route: e.route,
        detector: e.detector,
        identityTag: e.identityTag,
        prefix: e.prefix,
        weight: e.weight,
        shadow: e.shadow,
        level: e.level,
        wouldBe: e.wouldBe,
        score: e.score,
        detail: e.detail,
        ...(e.block === undefined ? {} : { block: e.block }),
      });
      // The level belongs to the layer that decided it: a network's score names the network.
      const subject: Subject =
        e.identityTag !== undefined && e.layer !== 'network'
          ? { kind: 'identity', tag: e.identityTag }
          : { kind: 'network', prefix: e.prefix };
      const key = subject.kind === 'identity' ? `id:${subject.tag}` : `net:${subject.prefix}`;
      const from = remember(key, e.level);
      if (from === e.level) return;
      bus.emit({ type: 'risk-level', at: e.at, subject, from, to: e.level, score: e.score });
      if (e.level === 'block') {
        const until = e.retryAfterMs === undefined ? undefined : e.at + e.retryAfterMs;
        bus.emit({
          type: 'block-started',
          at: e.at,
          subject,
          by: 'detector',
          until,
          note: `${e.detector} on ${e.route}`,
        });
      }
    },
    policyReloaded(source, text) {
      version = policyVersion(text);
      bus.emit({ type: 'policy-reloaded', source, version });
    },
    policyRejected(source, err) {
      // The message is the located policy error (file, line, path): no secret values.
      const error = err instanceof Error ? err.message : String(err);
      bus.emit({ type: 'policy-rejected', source, version, error });
    },
    storeCircuit(state, previous) {
      if (state === 'open' && previous !== 'open') {
        bus.emit({
          type: 'store-fallback',
          store: options.store,
          detail: 'circuit open: answering by each route storeUnavailable mode',
        });
      } else if (state === 'closed' && previous !== 'closed') {
        bus.emit({
          type: 'store-recovered',
          store: options.store,
          detail: 'circuit closed: the store answers again',
        });
      }
    },
  };
}
