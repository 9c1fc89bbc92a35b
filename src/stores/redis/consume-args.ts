import type { LimitCheck, LimitOutcome } from '../../core/limit.ts';
import type { RiskModel, RiskState } from '../../core/risk.ts';
import type { RiskLayerRecord } from '../risk-table.ts';

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

export function consumeCall(
  now: string,
  risk: RiskMode,
  checks: readonly PreparedCheck[],
  limits: { readonly maxTargets: number; readonly targetTtlMs: number; readonly wantAdded: boolean },
): ConsumeCall {
  const keys: string[] = [];
  const argv: string[] = [now, String(risk.mode)];
  if (risk.mode === 1) {
    const { thresholds, halfLifeMs, shrinkFactor } = risk.model.config;
    keys.push(...risk.keys);
    argv.push(
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
    argv.push('0', '', String(risk.quotaFactor), String(risk.ageMs), '-1', '1', '0', '1');
  } else {
    argv.push('0', '', '1', '-1', '-1', '1', '0', '1');
  }
  argv.push(String(limits.maxTargets), String(limits.targetTtlMs), limits.wantAdded ? '1' : '0');
  argv.push(String(checks.length));
  for (const { check, stateKey, targetKey, targets } of checks) {
    const { spec, ramp } = check;
    keys.push(stateKey);
    argv.push(
      String(ALGORITHM_CODES[spec.algorithm]),
      String(spec.limit),
      String(spec.windowMs),
      String(spec.burst),
      String(check.cost),
      String(ramp?.from ?? -1),
      String(ramp?.overMs ?? 0),
      String(targets === undefined ? -1 : targets.length),
    );
    if (targets !== undefined) {
      keys.push(targetKey);
      for (const t of targets) argv.push(t);
    }
  }
  return { keys, argv };
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
      /** With wantAdded: per distinct check (in check order), the targets it added. */
      readonly added: readonly (readonly string[])[];
    };

export function layerCount(mask: number): number {
  return (mask & 1) + ((mask >> 1) & 1) + ((mask >> 2) & 1);
}

function state(r: readonly string[], at: number): RiskState {
  return {
    score: Number(r[at]),
    at: Number(r[at + 1]),
    blocks: Number(r[at + 2]),
    blockedUntil: Number(r[at + 3]),
  };
}

/** Reads `count` layers of 11 fields each from `r` at `at`. */
export function parseLayers(r: readonly string[], at: number, count: number): (RawRiskRecord | undefined)[] {
  const out: (RawRiskRecord | undefined)[] = [];
  for (let i = 0; i < count; i++, at += 11) {
    if (r[at] !== '1') {
      out.push(undefined);
      continue;
    }
    out.push({
      state: state(r, at + 1),
      shadow: state(r, at + 5),
      firstSeen: Number(r[at + 9]),
      cohort: r[at + 10] ?? '',
    });
  }
  return out;
}

export function parseConsume(
  reply: unknown,
  mask: number,
  checks: readonly PreparedCheck[],
  wantAdded: boolean,
): ConsumeReply {
  const r = reply as string[];
  if (r[0] === 'cohort') return { status: 'cohort', cohort: r[1] ?? '' };
  const count = layerCount(mask);
  const layers = parseLayers(r, 4, count);
  const riskDenied = r[3] === '1';
  const steps: StepReply[] = [];
  const added: string[][] = [];
  if (!riskDenied) {
    let at = 4 + 11 * count;
    for (let i = 0; i < checks.length; i++, at += 6) {
      steps.push({
        allowed: r[at] === '1',
        remaining: Number(r[at + 1]),
        resetMs: Number(r[at + 2]),
        retryAfterMs: Number(r[at + 3]),
        cost: Number(r[at + 4]),
        s0: Number(r[at + 5]),
      });
    }
    if (wantAdded) {
      for (const c of checks) {
        if (c.targets === undefined) continue;
        const n = Number(r[at]);
        added.push(r.slice(at + 1, at + 1 + n));
        at += 1 + n;
      }
    }
  }
  return { status: 'ok', now: Number(r[1]), allowed: r[2] === '1', riskDenied, layers, steps, added };
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
