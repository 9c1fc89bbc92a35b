import * as z from 'zod';
import { formatDuration } from '../core/duration.ts';
import {
  checkRiskConfig,
  THRESHOLD_LEVELS,
  type RiskConfig,
  type ThresholdLevel,
} from '../core/risk-config.ts';
import { durationField, field, intField, numberField, parseCidr, textField } from './fields.ts';
import type { RawIssue } from './issues.ts';
import { limitKeyText, parseLimitKey } from './limit-key.ts';
import type { LimitKey, RiskPolicy } from './types.ts';
import { describeValue, isPlainObject, type PathSegment } from './values.ts';

/**
 * The policy's `risk:` section: the risk score's model (src/core/risk-config.ts), whose score
 * it is, the layers a signal reaches, and who is never scored. The schema parses the scalars;
 * `buildRisk` fills the model and reports checkRiskConfig's problems at their YAML paths.
 */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const RISK_DEFAULTS = {
  halfLifeMs: 6 * HOUR,
  thresholds: { observe: 10, shrink: 25, challenge: 50, block: 100 },
  shrinkFactor: 0.25,
  block: { baseMs: 15 * MINUTE, multiplier: 4, maxMs: 30 * DAY, forgetAfterMs: 30 * DAY },
  layers: { identity: 1, ipPrefix: 0.5, cohort: 0.25 },
  ipPrefix: { v4: 24, v6: 48 },
  trustAfterMs: DAY,
} as const;

const CALLER_KINDS: readonly LimitKey['kind'][] = ['identity', 'header', 'claim', 'account'];

/** The limits' key syntax, narrowed to keys that name a caller (an IP is scored by its layer). */
const identityKeyField = z
  .unknown()
  .optional()
  .transform((raw, ctx) => {
    const value = raw === undefined ? 'identity' : raw;
    const r = parseLimitKey(value);
    // A bad header or claim name has its own, more precise message below the key.
    if (!r.ok && r.path !== undefined && r.path.length > 0 && r.path[0] !== 'ip') {
      ctx.addIssue({ code: 'custom', message: r.error, path: [...r.path] });
      return z.NEVER;
    }
    if (!r.ok || !CALLER_KINDS.includes(r.value.kind)) {
      ctx.addIssue({
        code: 'custom',
        message: `must name a caller: identity, account, { header: name } or { claim: name }, got ${describeValue(value)}`,
      });
      return z.NEVER;
    }
    return { key: r.value, raw: value };
  });

const thresholdField = z.number();
const thresholdsSchema = z
  .strictObject({
    observe: thresholdField.optional(),
    shrink: thresholdField.optional(),
    challenge: thresholdField.optional(),
    block: thresholdField.optional(),
  })
  .refine((t) => THRESHOLD_LEVELS.some((level) => t[level] !== undefined), {
    message: `expected at least one of ${THRESHOLD_LEVELS.join(', ')}`,
  });

const blockSchema = z.strictObject({
  base: durationField.default(RISK_DEFAULTS.block.baseMs),
  multiplier: z.number().default(RISK_DEFAULTS.block.multiplier),
  max: durationField.default(RISK_DEFAULTS.block.maxMs),
  forgetAfter: durationField.default(RISK_DEFAULTS.block.forgetAfterMs),
});

const shareField = numberField({ min: 0, max: 1 });
const layersSchema = z.strictObject({
  identity: shareField.default(RISK_DEFAULTS.layers.identity),
  ipPrefix: shareField.default(RISK_DEFAULTS.layers.ipPrefix),
  cohort: shareField.default(RISK_DEFAULTS.layers.cohort),
});

const ipPrefixSchema = z.strictObject({
  v4: intField(0, 32, 'an IPv4 prefix length 0-32').default(RISK_DEFAULTS.ipPrefix.v4),
  v6: intField(0, 128, 'an IPv6 prefix length 0-128').default(RISK_DEFAULTS.ipPrefix.v6),
});

const allowlistSchema = z.strictObject({
  identities: z.array(textField).default([]),
  cidrs: z.array(field(parseCidr)).default([]),
});

export const riskSchema = z.strictObject({
  identity: identityKeyField,
  halfLife: durationField.default(RISK_DEFAULTS.halfLifeMs),
  // Written, only the levels given fire ("a level left out never fires on its own").
  thresholds: thresholdsSchema.default({ ...RISK_DEFAULTS.thresholds }),
  // Checked by checkRiskConfig, so the core's rule and message are the only ones.
  shrinkFactor: z.number().default(RISK_DEFAULTS.shrinkFactor),
  block: blockSchema.prefault({}),
  layers: layersSchema.prefault({}),
  ipPrefix: ipPrefixSchema.prefault({}),
  trustAfter: durationField.default(RISK_DEFAULTS.trustAfterMs),
  allowlist: allowlistSchema.prefault({}),
  shadow: z.boolean().default(false),
});

export type RiskDocument = z.output<typeof riskSchema>;

/** checkRiskConfig's paths (the model's fields) → the section's YAML keys. */
const YAML_KEYS: Record<string, { readonly path: readonly string[]; readonly duration: boolean }> = {
  halfLifeMs: { path: ['halfLife'], duration: true },
  shrinkFactor: { path: ['shrinkFactor'], duration: false },
  'block.baseMs': { path: ['block', 'base'], duration: true },
  'block.multiplier': { path: ['block', 'multiplier'], duration: false },
  'block.maxMs': { path: ['block', 'max'], duration: true },
  'block.forgetAfterMs': { path: ['block', 'forgetAfter'], duration: true },
};

const MS_FIELD_RE = /\b(halfLifeMs|block\.baseMs|block\.maxMs|block\.forgetAfterMs) \((\d+(?:\.\d+)?)\)/g;

/**
 * The core speaks milliseconds and model field names; a policy author wrote "15m" and
 * block.base. A message that does not say what it got is told the value.
 */
function policyMessage(message: string, value: unknown, duration: boolean): string {
  const shown = (v: unknown): string =>
    duration && typeof v === 'number' && v > 0 ? formatDuration(v) : describeValue(v);
  const out = message.replace(MS_FIELD_RE, (_m, name: string, ms: string) => {
    const yaml = YAML_KEYS[name]?.path.join('.') ?? name;
    return `${yaml} (${formatDuration(Number(ms))})`;
  });
  if (!out.includes(', got ')) return `${out}, got ${shown(value)}`;
  return duration ? out.replace(/got (\d+(?:\.\d+)?)$/, (_m, ms: string) => `got ${shown(Number(ms))}`) : out;
}

function valueAt(model: RiskConfig, path: readonly string[]): unknown {
  let node: unknown = model;
  for (const key of path) node = isPlainObject(node) ? node[key] : undefined;
  return node;
}

export interface RiskContext {
  /** identities.jwt is configured (a claim key needs it). */
  readonly hasJwtConfig: boolean;
  /** The ids of identities.apiKeys, to tell which kind a bare allowlist entry names. */
  readonly apiKeyIds: ReadonlySet<string>;
}

const NAMESPACED = /^(key|jwt):/;

/**
 * With `identity: identity`, risk identities are namespaced by kind ("key:alice", "jwt:alice"),
 * so an allowlist entry must name one kind: written with its namespace, or bare, which means the
 * API key of that id when there is one, else the JWT subject. Never both: a token whose `sub`
 * equals an allowlisted key's id must not escape scoring.
 */
function allowlistIdentities(risk: RiskDocument, ctx: RiskContext): readonly string[] {
  if (risk.identity.key.kind !== 'identity') return risk.allowlist.identities;
  return risk.allowlist.identities.map((id) => {
    if (NAMESPACED.test(id)) return id;
    return ctx.apiKeyIds.has(id) ? `key:${id}` : `jwt:${id}`;
  });
}

export function buildRisk(
  risk: RiskDocument,
  at: readonly PathSegment[],
  ctx: RiskContext,
  issues: RawIssue[],
): RiskPolicy {
  const { key, raw } = risk.identity;
  if (key.kind === 'claim' && !ctx.hasJwtConfig) {
    issues.push({
      path: [...at, 'identity'],
      message: `key "${limitKeyText(raw, key)}" needs identities.jwt`,
    });
  }
  const thresholds: Partial<Record<ThresholdLevel, number>> = {};
  for (const level of THRESHOLD_LEVELS) {
    const value = risk.thresholds[level];
    if (value !== undefined) thresholds[level] = value;
  }
  const model: RiskConfig = {
    halfLifeMs: risk.halfLife,
    thresholds,
    shrinkFactor: risk.shrinkFactor,
    block: {
      baseMs: risk.block.base,
      multiplier: risk.block.multiplier,
      maxMs: risk.block.max,
      forgetAfterMs: risk.block.forgetAfter,
    },
  };
  for (const problem of checkRiskConfig(model)) {
    const mapped = YAML_KEYS[problem.path.join('.')];
    issues.push({
      path: [...at, ...(mapped?.path ?? problem.path)],
      message: policyMessage(problem.message, valueAt(model, problem.path), mapped?.duration ?? false),
    });
  }
  return {
    model,
    identity: key,
    layers: risk.layers,
    trustAfterMs: risk.trustAfter,
    ipPrefix: risk.ipPrefix,
    allowlist: { identities: allowlistIdentities(risk, ctx), cidrs: risk.allowlist.cidrs },
    shadow: risk.shadow,
  };
}
