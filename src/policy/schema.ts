import * as z from 'zod';
import { ALGORITHMS, UNAVAILABLE_MODES } from '../core/limit.ts';
import {
  durationField,
  field,
  forbidden,
  headerNameField,
  idField,
  jwtAlgorithmField,
  numberField,
  parseCidr,
  parseCost,
  parseMethods,
  pointerField,
  positiveIntField,
  rateField,
  scopeField,
  sha256Field,
  textField,
} from './fields.ts';
import { alertsSchema } from './alerts-section.ts';
import { accountsSchema, contactsSchema, revealSchema } from './contacts-section.ts';
import { detectSchema } from './detect-section.ts';
import { egressSchema } from './egress-section.ts';
import { parseLimitKey } from './limit-key.ts';
import { compilePathPattern } from './path-pattern.ts';
import { riskSchema } from './risk-section.ts';
import { metricsSchema } from './metrics-section.ts';
import { adminSchema } from './admin-section.ts';
import { storeSchema } from './store-section.ts';
import { parseSize } from './size.ts';
import { policyErrorMap } from './issues.ts';
import { describeValue, fail, ok, type FieldResult } from './values.ts';

/**
 * The policy file's shape (see examples/policy.yaml). Every object is strict: a misspelt
 * key is an error, never silently ignored, because an ignored `limits` is an open API.
 * Scalars are parsed here (durations to ms, sizes to bytes, keys to LimitKey); checks that
 * span fields (unique ids, key sources, identities a route relies on) are in compile.ts.
 */
const DEFAULTS = {
  bodyLimitBytes: 1024 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  idleTimeoutMs: 5_000,
  upstreamTimeoutMs: 10_000,
  clockToleranceMs: 30_000,
} as const;

/** identities.failedAuth's defaults: 20 failed authentications a minute per address, burst 20. */
export const FAILED_AUTH_RATE = { limit: 20, windowMs: 60_000 } as const;

const upstreamField = field((v) => {
  if (typeof v === 'string' && URL.canParse(v)) {
    const url = new URL(v);
    if (url.protocol === 'http:' || url.protocol === 'https:') return ok(v);
  }
  return fail<string>(`expected an http:// or https:// URL, got ${describeValue(v)}`);
});

const serverSchema = z.strictObject({
  trustedProxies: z.array(field(parseCidr)).default([]),
  forwardedHeader: z.enum(['auto', 'forwarded', 'x-forwarded-for']).default('auto'),
  bodyLimit: field(parseSize).default(DEFAULTS.bodyLimitBytes),
  headersTimeout: durationField.default(DEFAULTS.headersTimeoutMs),
  requestTimeout: durationField.default(DEFAULTS.requestTimeoutMs),
  idleTimeout: durationField.default(DEFAULTS.idleTimeoutMs),
  upstreamTimeout: durationField.default(DEFAULTS.upstreamTimeoutMs),
  store: storeSchema.optional(),
  metrics: metricsSchema.optional(),
  admin: adminSchema.optional(),
});

const apiKeyEntrySchema = z.strictObject({
  id: idField,
  sha256: sha256Field,
  scopes: z.array(scopeField).default([]),
  key: forbidden(
    'cleartext API keys are not allowed in the policy; store sha256 instead, computed with: echo -n KEY | sha256sum',
  ),
});

const apiKeysSchema = z.strictObject({
  header: headerNameField.default('x-api-key'),
  keys: z.array(apiKeyEntrySchema),
});

const jwtSchema = z.strictObject({
  algorithms: z.array(jwtAlgorithmField).min(1),
  secret: textField.optional(),
  publicKey: textField.optional(),
  publicKeyFile: textField.optional(),
  jwksFile: textField.optional(),
  issuer: textField.optional(),
  audience: textField.optional(),
  clockTolerance: durationField.default(DEFAULTS.clockToleranceMs),
  identityClaim: textField.default('sub'),
  scopesClaim: textField.default('scope'),
  // A token without "exp" never expires: a leaked one works forever (issue 13 item 7).
  requireExp: z.boolean().default(true),
});

// Failed authentications per client address before it is refused unverified (issue 13 item 6).
const failedAuthSchema = z.strictObject({
  rate: rateField.default(FAILED_AUTH_RATE),
  burst: positiveIntField.optional(),
});

type FailedAuthDocument = false | z.output<typeof failedAuthSchema>;

/** `false`, or the object; a union would only say "Invalid input". Absent: compile's defaults. */
function failedAuthField(raw: unknown, ctx: z.RefinementCtx): FailedAuthDocument {
  if (raw === false) return false;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    ctx.addIssue({ code: 'custom', message: `expected false or { rate, burst }, got ${describeValue(raw)}` });
    return z.NEVER;
  }
  const r = failedAuthSchema.safeParse(raw, { error: policyErrorMap });
  if (r.success) return r.data;
  for (const issue of r.error.issues) ctx.addIssue({ ...issue });
  return z.NEVER;
}

const identitiesSchema = z.strictObject({
  apiKeys: apiKeysSchema.optional(),
  jwt: jwtSchema.optional(),
  failedAuth: z.unknown().transform(failedAuthField).optional(),
});

// New identities start with `from` of the quota, reaching all of it after `over` (issue 4).
const rampSchema = z.strictObject({
  from: numberField({ above: 0, max: 1 }),
  over: durationField,
});

const limitSchema = z.strictObject({
  id: idField.optional(),
  key: z.unknown().transform((raw, ctx) => {
    const r = raw === undefined ? fail('is required') : parseLimitKey(raw);
    if (r.ok) return { key: r.value, raw };
    ctx.addIssue({ code: 'custom', message: r.error, ...(r.path ? { path: [...r.path] } : {}) });
    return z.NEVER;
  }),
  rate: rateField,
  burst: positiveIntField.optional(),
  algorithm: z.enum(ALGORITHMS).default('gcra'),
  // No default here: compile.ts must know whether cost was written, since distinct excludes it.
  cost: field(parseCost).optional(),
  distinct: pointerField.optional(),
  ramp: rampSchema.optional(),
});

const batchSchema = z.strictObject({
  pointer: pointerField,
  max: positiveIntField,
  status: field((v): FieldResult<413 | 400> =>
    v === 413 || v === 400 ? ok(v) : fail(`expected 413 or 400, got ${describeValue(v)}`),
  ).default(413),
});

const matchSchema = z.strictObject({
  method: field(parseMethods).default('*'),
  path: z.unknown().transform((raw, ctx) => {
    const r = raw === undefined ? fail('is required') : compilePathPattern(raw);
    if (r.ok) return { pattern: raw as string, matchPath: r.value };
    ctx.addIssue({ code: 'custom', message: r.error });
    return z.NEVER;
  }),
});

const routeSchema = z.strictObject({
  id: idField,
  match: matchSchema,
  auth: z.enum(['required', 'optional', 'none']).default('required'),
  scopes: z.array(scopeField).default([]),
  rateLimitHeaders: z.boolean().default(true),
  // What to do when the shared store is unavailable (issue 5): see src/stores/resilient-store.ts.
  storeUnavailable: z.enum(UNAVAILABLE_MODES).default('local'),
  batch: batchSchema.optional(),
  limits: z.array(limitSchema).default([]),
  targets: pointerField.optional(),
  detect: detectSchema.optional(),
  egress: egressSchema.optional(),
  reveal: revealSchema.optional(),
});

export const policySchema = z.strictObject({
  version: z.literal(1),
  upstream: upstreamField.optional(),
  server: serverSchema.prefault({}),
  identities: identitiesSchema.prefault({}),
  unmatched: z.enum(['deny', 'allow']).default('deny'),
  routes: z.array(routeSchema),
  risk: riskSchema.optional(),
  accounts: accountsSchema.optional(),
  contacts: contactsSchema.optional(),
  alerts: alertsSchema.optional(),
});

/** The validated document, before cross-field checks and compilation. */
export type PolicyDocument = z.output<typeof policySchema>;
/** A policy as written (YAML parsed, or built in code): what `compilePolicy` accepts besides text. */
export type PolicyInput = z.input<typeof policySchema>;
export type RouteDocument = PolicyDocument['routes'][number];
export type LimitDocument = RouteDocument['limits'][number];
export type JwtDocument = NonNullable<PolicyDocument['identities']['jwt']>;
