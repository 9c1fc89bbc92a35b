import type { LimitCheck, LimitOutcome, LimitSpec } from '../../core/limit.ts';
import type { RiskModel, RiskState } from '../../core/risk.ts';
import type { RiskLayerRecord } from '../risk-reading.ts';

/** Layer bits of a script's mask: which risk keys lead its KEYS, in this order. */
export const IDENTITY = 1;
export const PREFIX = 2;
export const COHORT = 4;

const ALGORITHM_CODES = { gcra: 1, 'sliding-window': 2, 'fixed-window': 3 } as const;

/** A check ready for a script: its key tag and, for a distinct check, its unique target fingerprints. */
export interface PreparedCheck {
  readonly index: number;
  readonly check: LimitCheck;
  readonly stateKey: string;
  /** Its target set, for a distinct check (else empty). */
  readonly targetKey: string;
  readonly targets: readonly string[] | undefined;
}

/** How a consume call treats risk: not at all, read from its leading keys, or given by the caller. */
export type RiskMode =
  | { readonly mode: 0 }
  | {
      readonly mode: 1;
      readonly mask: number;
      readonly keys: readonly string[];
      readonly cohort: string;
      readonly model: RiskModel;
      readonly shadow: boolean;
      readonly riskTtlMs: number;
    }
  | { readonly mode: 2; readonly quotaFactor: number; readonly ageMs: number };

export interface ConsumeCall {
  readonly keys: string[];
  readonly argv: string[];
}

/** One request of a consume call: how it treats risk, and its checks. */
export interface ConsumeRequest {
  readonly risk: RiskMode;
  readonly checks: readonly PreparedCheck[];
}

type Ramp = LimitCheck['ramp'];

export interface CallLimits {
  readonly maxTargets: number;
  readonly targetTtlMs: number;
  /** Decide but write no limit state or target (cluster.ts: a slot's share of a refused request). */
  readonly dryRun?: boolean;
}

/**
 * The KEYS and ARGV of one consume call deciding `requests` in order (consume-script.ts). The
 * limit specs the checks use are sent once per call and named by number, so a batch of many
 * requests on the same route repeats only keys, costs and targets.
 */
export function consumeCall(
  now: string,
  requests: readonly ConsumeRequest[],
  limits: CallLimits,
): ConsumeCall {
  const stateKeys: string[] = [];
  const keys: string[] = [];
  const argv: string[] = [
    now,
    String(limits.maxTargets),
    String(limits.targetTtlMs),
    limits.dryRun === true ? '0' : '1',
    '',
    '',
  ];
  const specs = new Map<LimitSpec, Map<Ramp, number>>();
  let specCount = 0;
  const specNumber = (spec: LimitSpec, ramp: Ramp): number => {
    let byRamp = specs.get(spec);
    if (byRamp === undefined) specs.set(spec, (byRamp = new Map<Ramp, number>()));
    let n = byRamp.get(ramp);
    if (n === undefined) {
      byRamp.set(ramp, (n = ++specCount));
      argv.push(
        String(ALGORITHM_CODES[spec.algorithm]),
        String(spec.limit),
        String(spec.windowMs),
        String(spec.burst),
        String(ramp?.from ?? -1),
        String(ramp?.overMs ?? 0),
      );
    }
    return n;
  };
  // The specs go first (ARGV[6] is their count): the requests are written aside.
  const body: string[] = [String(requests.length)];
  for (const { risk, checks } of requests) {
    body.push(String(risk.mode));
    if (risk.mode === 1) {
      const { thresholds, halfLifeMs, shrinkFactor } = risk.model.config;
      for (const k of risk.keys) keys.push(k);
      body.push(
        String(risk.mask),
        risk.cohort,
        String(halfLifeMs),
        String(thresholds.shrink ?? -1),
        String(thresholds.challenge ?? -1),
        String(shrinkFactor),
        risk.shadow ? '1' : '0',
        String(risk.riskTtlMs),
      );
    } else if (risk.mode === 2) {
      body.push(String(risk.quotaFactor), String(risk.ageMs));
    }
    body.push(String(checks.length));
    for (const { check, stateKey, targetKey, targets } of checks) {
      stateKeys.push(stateKey);
      const n = specNumber(check.spec, check.ramp);
      if (targets === undefined) body.push(String(n), String(check.cost));
      else {
        keys.push(targetKey);
        body.push(String(-n), String(targets.length));
        for (const t of targets) body.push(t);
      }
    }
  }
  argv[4] = String(stateKeys.length);
  argv[5] = String(specCount);
  for (const x of body) argv.push(x);
  for (const k of keys) stateKeys.push(k);
  return { keys: stateKeys, argv };
}

/** A risk record as a script answers it. */
export interface RawRiskRecord extends RiskLayerRecord {
  readonly cohort: string;
}

export interface StepReply {
  readonly allowed: boolean;
  readonly remaining: number;
  readonly resetMs: number;
  readonly retryAfterMs: number;
  readonly cost: number;
  readonly s0: number;
}

export type ConsumeReply =
  | { readonly status: 'cohort'; readonly cohort: string }
  | {
      readonly status: 'ok';
      readonly now: number;
      readonly allowed: boolean;
      readonly riskDenied: boolean;
      /** One per layer bit in the call's mask, in bit order; undefined for a missing record. */
      readonly layers: readonly (RawRiskRecord | undefined)[];
      readonly steps: readonly StepReply[];
    };

export function layerCount(mask: number): number {
  return (mask & 1) + ((mask >> 1) & 1) + ((mask >> 2) & 1);
}

/** A script reply's fields: numbers (see replyNumber), strings, and [M, E] pairs. */
export type ReplyFields = readonly unknown[];

/**
 * A number as a script answers it (rv in lua-common.ts): a whole number as an integer, any
 * other as [M, E] meaning M × 2^E (exact: M is a whole number below 2^53), or a string.
 */
export function replyNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (Array.isArray(v)) return (v[0] as number) * 2 ** (v[1] as number);
  return Number(v);
}

function state(r: ReplyFields, at: number): RiskState {
  return {
    score: replyNumber(r[at]),
    at: replyNumber(r[at + 1]),
    blocks: replyNumber(r[at + 2]),
    blockedUntil: replyNumber(r[at + 3]),
  };
}

/** Reads `count` layers of 11 fields each from `r` at `at`. */
export function parseLayers(r: ReplyFields, at: number, count: number): (RawRiskRecord | undefined)[] {
  const out: (RawRiskRecord | undefined)[] = [];
  for (let i = 0; i < count; i++, at += 11) {
    if (replyNumber(r[at]) !== 1) {
      out.push(undefined);
      continue;
    }
    out.push({
      state: state(r, at + 1),
      shadow: state(r, at + 5),
      firstSeen: replyNumber(r[at + 9]),
      cohort: typeof r[at + 10] === 'string' ? (r[at + 10] as string) : '',
    });
  }
  return out;
}

/** One request's reply (`reply` is its element of the call's reply). */
export function parseConsume(reply: unknown, mask: number, checks: readonly PreparedCheck[]): ConsumeReply {
  const r = reply as ReplyFields;
  if (r[0] === 'cohort') return { status: 'cohort', cohort: typeof r[1] === 'string' ? r[1] : '' };
  const count = layerCount(mask);
  const layers = count === 0 ? [] : parseLayers(r, 3, count);
  const riskDenied = r[2] === 1;
  const steps: StepReply[] = [];
  if (!riskDenied) {
    let at = 3 + 11 * count;
    for (let i = 0; i < checks.length; i++, at += 6) {
      steps.push({
        allowed: r[at] === 1,
        remaining: replyNumber(r[at + 1]),
        resetMs: replyNumber(r[at + 2]),
        retryAfterMs: replyNumber(r[at + 3]),
        cost: replyNumber(r[at + 4]),
        s0: replyNumber(r[at + 5]),
      });
    }
  }
  return { status: 'ok', now: replyNumber(r[0]), allowed: r[1] === 1, riskDenied, layers, steps };
}

export function outcomeOf(check: LimitCheck, step: StepReply): LimitOutcome {
  return {
    spec: check.spec,
    key: check.key,
    allowed: step.allowed,
    remaining: step.remaining,
    resetMs: step.resetMs,
    retryAfterMs: step.retryAfterMs,
  };
}
