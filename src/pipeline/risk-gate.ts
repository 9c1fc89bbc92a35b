import type { RiskLevel } from '../core/risk-config.ts';
import { prefixKey } from '../identity/cidr.ts';
import { createIpMatcher, type IpMatcher } from '../identity/cidr.ts';
import { parseHostAddress } from '../identity/ip.ts';
import type { RiskPolicy } from '../policy/types.ts';
import { identityTag } from '../stores/risk-subject.ts';
import type { AllowlistOverlay } from './allowlist-overlay.ts';
import type { RiskLayer, RiskLookup, RiskReading } from '../stores/store.ts';
import { riskModel, type RiskModel } from '../core/risk.ts';
import type { DetectorName } from './detectors.ts';
import { keyValue } from './limit-keys.ts';
import { problemResponse } from './problem.ts';
import { retryAfterSeconds } from './rate-limit-headers.ts';
import type { Caller, HeaderMap, PlainResponse } from './types.ts';

/**
 * A detector's finding, after it reached the store: what the log, the metrics and the
 * simulator's scorecard see. `identityKey` is the raw risk identity (for a header key, the
 * header's value: a bearer token); it is for in-process consumers and must never be logged.
 * Log `identityTag`, a digest that names the same caller without revealing it.
 */
export interface RiskEvent {
  readonly at: number;
  readonly route: string;
  readonly detector: DetectorName;
  readonly identityKey: string | undefined;
  readonly identityTag: string | undefined;
  readonly prefix: string;
  readonly weight: number;
  readonly shadow: boolean;
  readonly detail: string;
  /** Range density only: the swept block's prefix ("+4477001xxxx"), never a whole number. */
  readonly block?: string | undefined;
  /** The suspect's enforced response after the signal, what it would be without shadow, and its score. */
  readonly level: RiskLevel;
  readonly wouldBe: RiskLevel;
  readonly score: number;
  /** How long the enforced response lasts (a block's remaining time), when the store says. */
  readonly retryAfterMs?: number | undefined;
  /** The layer whose score decided `level` ("account", "network", "cohort"), when one did. */
  readonly layer?: string | undefined;
}

/** The policy's risk section, ready for requests: who is asked about, and what a refusal says. */
export interface RiskGate {
  readonly policy: RiskPolicy;
  /** The request's risk lookup; undefined when the caller is allowlisted. */
  lookupFor(caller: Caller, headers: HeaderMap): RiskLookup | undefined;
  /** The suspect a lookup stands for, for the detectors. */
  prefixOf(ip: string): string;
  /** The refusal for a reading at `challenge` or `block`, else undefined. */
  refusal(reading: RiskReading): PlainResponse | undefined;
  /** Whether egress `stripWhen: untrusted` applies to this caller. */
  untrusted(reading: RiskReading | undefined, lookup: RiskLookup | undefined): boolean;
  tag(identityKey: string | undefined): string | undefined;
}

/** A refusal's `layer` member: the score that decided it. */
export const LAYER_NAMES: Record<RiskLayer, string> = {
  identity: 'account',
  ipPrefix: 'network',
  cohort: 'cohort',
};

export function createRiskGate(policy: RiskPolicy, overlay?: AllowlistOverlay): RiskGate {
  const model: RiskModel = riskModel(policy.model);
  const allowedIps: IpMatcher = createIpMatcher(policy.allowlist.cidrs);
  // Allowlisted identities are compared as the key reads them (a header canonically: "bearer x").
  const allowedIds = new Set(
    policy.allowlist.identities.map((id) =>
      policy.identity.kind === 'header'
        ? keyValue(policy.identity, { ip: '', identity: undefined }, { [policy.identity.name]: id })
        : id,
    ),
  );
  const { v4, v6 } = policy.ipPrefix;

  function prefixOf(ip: string): string {
    // The client address is canonical already; one that does not parse keys by itself.
    const parsed = parseHostAddress(ip);
    return parsed === undefined ? ip : prefixKey(parsed, v4, v6);
  }

  return {
    policy,
    prefixOf,
    lookupFor(caller, headers) {
      if (allowedIps.size > 0) {
        const parsed = parseHostAddress(caller.ip);
        if (parsed !== undefined && allowedIps.contains(parsed)) return undefined;
      }
      const value = keyValue(policy.identity, caller, headers);
      if (allowedIds.has(value)) return undefined;
      if (overlay?.allows(caller.ip, value) === true) return undefined;
      // An anonymous caller (no identity, no header) is scored by its prefix alone.
      const identity = value === '' || value.startsWith('anon:') ? undefined : value;
      return { model, identity, prefix: prefixOf(caller.ip), shadow: policy.shadow };
    },
    refusal(reading) {
      const action = reading.enforced;
      // Which score refused: the caller's own, or its network's or sign-up cohort's (so a user
      // behind a shared address, and the operator helping them, can tell the two apart).
      const extensions = { layer: LAYER_NAMES[reading.layer ?? 'identity'] };
      if (action.level === 'block') {
        const retry = retryAfterSeconds(action.retryAfterMs ?? 0);
        return problemResponse('blocked', `blocked for abnormal usage; retry after ${retry} s`, {
          headers: { 'retry-after': retry },
          extensions,
        });
      }
      if (action.level === 'challenge') {
        const retry = retryAfterSeconds(action.retryAfterMs ?? 0);
        return problemResponse('abnormal-usage-detected', 'abnormal usage detected; retry later', {
          headers: { 'retry-after': retry },
          extensions,
        });
      }
      return undefined;
    },
    untrusted(reading, lookup) {
      if (lookup === undefined) return false; // allowlisted
      if (reading === undefined || lookup.identity === undefined) return true;
      return reading.enforced.level !== 'none' || reading.ageMs < policy.trustAfterMs;
    },
    tag(identityKey) {
      return identityKey === undefined ? undefined : identityTag(identityKey);
    },
  };
}
