import { parsePhoneNumberFromString } from 'libphonenumber-js';
import * as z from 'zod';
import { generateCanaries } from '../core/canaries.ts';
import { DEFAULT_CANARY_RANGES } from '../core/canary-ranges.ts';
import { RANGE_DENSITY_DEFAULTS } from '../core/range-density-options.ts';
import { durationField, field, intField, numberField, positiveIntField, weightField } from './fields.ts';
import { isUnread, type Environment } from './environment.ts';
import type { RawIssue } from './issues.ts';
import type { CanaryDetector, RouteDetectors } from './types.ts';
import { describeValue, fail, ok, type PathSegment } from './values.ts';

/**
 * A route's `detect:` section: the detectors that turn its lookups into risk signals (hit
 * ratio, canaries, range density). Canaries listed are checked with libphonenumber-js, the
 * library the pipeline normalizes targets with, so a listed canary is one a query can match;
 * generated ones come from src/core/canaries.ts inside the reserved default ranges.
 */
const HOUR = 3_600_000;

export const DETECT_DEFAULTS = {
  hitRatio: { below: 0.2, minTargets: 100, halfLifeMs: HOUR },
  canaryCount: 1000,
} as const;

/** A canary secret shorter than this is guessable by brute force over the public ranges. */
export const MIN_CANARY_SECRET = 16;

/** The numbers the default reserved ranges hold: generation cannot draw more distinct ones. */
const CANARY_CAPACITY = DEFAULT_CANARY_RANGES.reduce((sum, r) => sum + (r.end - r.start + 1), 0);
/** Generation is a load step: the bound keeps a typo from allocating much (core allows 1e6). */
const MAX_CANARY_COUNT = Math.min(100_000, CANARY_CAPACITY);

const e164Field = field((v) => {
  if (typeof v !== 'string' || !/^\+\d+$/.test(v)) {
    return fail<string>(`expected a phone number in E.164 form like "+61491570006", got ${describeValue(v)}`);
  }
  const phone = parsePhoneNumberFromString(v);
  if (phone === undefined || !phone.isValid()) {
    return fail<string>(`${JSON.stringify(v)} is not a valid phone number (libphonenumber-js)`);
  }
  return ok(phone.number);
});

// Never echoes the secret: it would reach logs with the error.
const secretField = field((v) =>
  typeof v === 'string' && v.length >= MIN_CANARY_SECRET
    ? ok(v)
    : fail<string>(
        `expected a secret of at least ${MIN_CANARY_SECRET} characters, got ` +
          (typeof v === 'string' ? `${v.length}` : describeValue(v)),
      ),
);

const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const envNameField = field((v) =>
  typeof v === 'string' && ENV_NAME_RE.test(v)
    ? ok(v)
    : fail<string>(
        `expected an environment variable name like "ENUMGUARD_CANARY_SECRET", got ${describeValue(v)}`,
      ),
);

const canaryCountField = field((v) => {
  const n = positiveIntField.safeParse(v);
  if (!n.success) return fail<number>(n.error.issues[0]?.message ?? 'expected a positive integer');
  if (n.data > MAX_CANARY_COUNT) {
    return fail<number>(
      `expected at most ${MAX_CANARY_COUNT}, the numbers the reserved canary ranges hold, got ${n.data}`,
    );
  }
  return ok(n.data);
});

const detectorBase = { weight: weightField, shadow: z.boolean().default(false) };

const hitRatioSchema = z.strictObject({
  ...detectorBase,
  below: numberField({ above: 0, below: 1 }).default(DETECT_DEFAULTS.hitRatio.below),
  minTargets: positiveIntField.default(DETECT_DEFAULTS.hitRatio.minTargets),
  halfLife: durationField.default(DETECT_DEFAULTS.hitRatio.halfLifeMs),
});

const generateSchema = z.strictObject({
  secret: secretField.optional(),
  secretEnv: envNameField.optional(),
  count: canaryCountField.default(DETECT_DEFAULTS.canaryCount),
});

const canariesSchema = z.strictObject({
  ...detectorBase,
  numbers: z.array(e164Field).optional(),
  generate: generateSchema.optional(),
});

const rangeDensitySchema = z.strictObject({
  ...detectorBase,
  // The bounds src/core/range-density-options.ts enforces, reported here with a line.
  blockDigits: intField(1, 6).default(RANGE_DENSITY_DEFAULTS.blockDigits),
  window: durationField.default(RANGE_DENSITY_DEFAULTS.windowMs),
  hotShare: numberField({ above: 0, max: 1 }).default(RANGE_DENSITY_DEFAULTS.hotShare),
});

const DETECTORS = ['hitRatio', 'canaries', 'rangeDensity'] as const;

export const detectSchema = z
  .strictObject({
    hitRatio: hitRatioSchema.optional(),
    canaries: canariesSchema.optional(),
    rangeDensity: rangeDensitySchema.optional(),
  })
  .refine((d) => DETECTORS.some((k) => d[k] !== undefined), {
    message: `expected at least one of ${DETECTORS.join(', ')}`,
  });

export type DetectDocument = z.output<typeof detectSchema>;
type CanariesDocument = NonNullable<DetectDocument['canaries']>;

export type { Environment } from './environment.ts';

export function buildDetect(
  detect: DetectDocument,
  at: readonly PathSegment[],
  env: Environment,
  issues: RawIssue[],
): RouteDetectors {
  const { hitRatio, canaries, rangeDensity } = detect;
  return {
    hitRatio:
      hitRatio === undefined
        ? undefined
        : {
            weight: hitRatio.weight,
            shadow: hitRatio.shadow,
            below: hitRatio.below,
            minTargets: hitRatio.minTargets,
            halfLifeMs: hitRatio.halfLife,
          },
    canaries: canaries === undefined ? undefined : buildCanaries(canaries, [...at, 'canaries'], env, issues),
    rangeDensity:
      rangeDensity === undefined
        ? undefined
        : {
            weight: rangeDensity.weight,
            shadow: rangeDensity.shadow,
            blockDigits: rangeDensity.blockDigits,
            windowMs: rangeDensity.window,
            hotShare: rangeDensity.hotShare,
          },
  };
}

function buildCanaries(
  canaries: CanariesDocument,
  at: readonly PathSegment[],
  env: Environment,
  issues: RawIssue[],
): CanaryDetector | undefined {
  const listed = canaries.numbers ?? [];
  const { generate } = canaries;
  if (listed.length === 0 && generate === undefined) {
    issues.push({
      path: at,
      message: 'canaries need numbers (E.164 numbers no one holds), generate (from a secret) or both',
    });
    return undefined;
  }
  let generated: string[] = [];
  if (generate !== undefined) {
    const secret = canarySecret(generate, [...at, 'generate'], env, issues);
    if (secret === undefined) return undefined;
    generated = generateCanaries({ secret, count: generate.count, ranges: DEFAULT_CANARY_RANGES }).map(
      (n) => `+${n}`,
    );
  }
  return {
    weight: canaries.weight,
    shadow: canaries.shadow,
    numbers: [...new Set([...listed, ...generated])],
  };
}

function canarySecret(
  generate: NonNullable<CanariesDocument['generate']>,
  at: readonly PathSegment[],
  env: Environment,
  issues: RawIssue[],
): string | undefined {
  const { secret, secretEnv } = generate;
  if ((secret === undefined) === (secretEnv === undefined)) {
    issues.push({
      path: at,
      message:
        'set exactly one of secret or secretEnv' + (secret !== undefined ? ', got secret and secretEnv' : ''),
    });
    return undefined;
  }
  if (secret !== undefined) return secret;
  if (isUnread(env)) return 'u'.repeat(MIN_CANARY_SECRET); // a stand-in: the environment is not read
  const name = secretEnv ?? '';
  const value = env[name];
  if (value === undefined || value === '') {
    issues.push({ path: [...at, 'secretEnv'], message: `environment variable ${name} is not set` });
    return undefined;
  }
  if (value.length < MIN_CANARY_SECRET) {
    issues.push({
      path: [...at, 'secretEnv'],
      message: `environment variable ${name} must hold at least ${MIN_CANARY_SECRET} characters, got ${value.length}`,
    });
    return undefined;
  }
  return value;
}
