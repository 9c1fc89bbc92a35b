import { identityTag } from '../risk-subject.ts';
import type { RiskLookup, RiskSignal } from '../store.ts';
import {
  layerCount,
  parseLayers,
  replyNumber,
  type ConsumeCall,
  type RawRiskRecord,
} from './consume-args.ts';
import type { StoreContext } from './store-context.ts';

/** The signal script's KEYS and ARGV (see signal-script.ts). */
export function signalCall(
  ctx: StoreContext,
  risk: RiskLookup,
  signal: RiskSignal,
  mask: number,
  keys: readonly string[],
  cohort: string,
  ownBlocked: -1 | 0 | 1,
): ConsumeCall {
  const { halfLifeMs, thresholds, block } = risk.model.config;
  const defined = Object.values(thresholds).filter((t): t is number => t !== undefined);
  const lowest = defined.length === 0 ? -1 : Math.min(...defined);
  // The same products the memory store computes: weight × the layer's share.
  const weight = (layer: keyof RiskSignal['layers']): string => String(signal.weight * signal.layers[layer]);
  return {
    keys: [...keys],
    argv: [
      ctx.now(),
      String(mask),
      cohort,
      String(halfLifeMs),
      String(thresholds.block ?? -1),
      String(block.baseMs),
      String(block.multiplier),
      String(block.maxMs),
      String(block.forgetAfterMs),
      String(lowest),
      String(ctx.riskTtlMs),
      risk.shadow ? '1' : '0',
      signal.shadow ? '1' : '0',
      weight('identity'),
      weight('ipPrefix'),
      weight('cohort'),
      String(ownBlocked),
      risk.identity === undefined ? '' : ctx.labels.seal(identityTag(risk.identity)),
      ctx.labels.seal(risk.prefix),
    ],
  };
}

export type SignalReply =
  | { readonly status: 'cohort'; readonly cohort: string }
  | {
      readonly status: 'ok';
      readonly now: number;
      readonly layers: readonly (RawRiskRecord | undefined)[];
      /** The identity's blockedUntil before this signal (0 without the identity in the call). */
      readonly blockedBefore: number;
    };

export function parseSignal(reply: unknown, mask: number): SignalReply {
  const r = reply as readonly unknown[];
  if (r[0] === 'cohort') return { status: 'cohort', cohort: typeof r[1] === 'string' ? r[1] : '' };
  const count = layerCount(mask);
  return {
    status: 'ok',
    now: replyNumber(r[1]),
    layers: parseLayers(r, 2, count),
    blockedBefore: replyNumber(r[2 + 11 * count]),
  };
}
