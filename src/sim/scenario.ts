import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import * as z from 'zod';
import { EnumguardError } from '../core/errors.ts';
import { durationField, field, positiveIntField } from '../policy/fields.ts';
import { formatIssues, fromZodIssues, policyErrorMap, sortIssues } from '../policy/issues.ts';
import { parseYamlSource } from '../policy/locate.ts';
import { describeValue, fail, ok } from '../policy/values.ts';
import { DEFAULT_COUNTRIES } from '../reference/population/countries.ts';
import { MAX_POOL_COUNT, parseIpv4Cidr } from './agents/addresses.ts';
import type { PoolSpec } from './agents/attackers.ts';
import type { AttackerOptions } from './world.ts';
import { ipField, nonNegative, positiveNumber, share } from './scenario-fields.ts';
import { adaptiveAttackerOptions, adaptiveAttackerSchemas } from './agents/adaptive/adaptive-schema.ts';
import { LEGIT_DEFAULTS } from './agents/legit-users.ts';

/**
 * A scenario file: the world (population, legit users) and the attackers, on virtual time.
 * Validated like a policy: strict objects, messages with file, line and path.
 */

const legitSchema = z
  .strictObject({
    users: positiveIntField,
    installWithin: durationField.default(86_400_000),
    resyncEvery: durationField.default(30 * 86_400_000),
    newContactsPerWeek: nonNegative.default(2),
    cgnatShare: share.default(0.2),
    usersPerCgnatAddress: positiveIntField.default(200),
    ipv6Share: share.default(0.3),
    reinstallShare: share.default(LEGIT_DEFAULTS.reinstallShare),
    powerUserShare: share.default(LEGIT_DEFAULTS.powerUserShare),
    powerUserContacts: positiveIntField.default(LEGIT_DEFAULTS.powerUserContacts),
    fewContactsShare: share.default(LEGIT_DEFAULTS.fewContactsShare),
    withAttackerAddress: z.strictObject({ address: ipField, users: positiveIntField }).optional(),
  })
  .superRefine((l, ctx) => {
    if (l.powerUserShare + l.fewContactsShare > 1)
      ctx.addIssue({
        code: 'custom',
        message: `powerUserShare and fewContactsShare add up to more than 1 (${l.powerUserShare + l.fewContactsShare})`,
        path: ['fewContactsShare'],
      });
    if (l.withAttackerAddress !== undefined && l.withAttackerAddress.users > l.users)
      ctx.addIssue({
        code: 'custom',
        message: `${l.withAttackerAddress.users} users on the attacker's address, but only ${l.users} legit users`,
        path: ['withAttackerAddress', 'users'],
      });
  });

const countryField = field((v) =>
  typeof v === 'string' && COUNTRY_CODES.includes(v)
    ? ok(v)
    : fail<string>(
        `expected one of the population's countries (${COUNTRY_CODES.join(', ')}), got ${describeValue(v)}`,
      ),
);
/** An IPv4 block ("203.0.113.0/24") or a count of addresses. */
const ipv4PoolField = field<string | number>((v) => {
  if (typeof v === 'string' && parseIpv4Cidr(v)) return ok(v);
  if (Number.isInteger(v) && (v as number) >= 1 && (v as number) <= MAX_POOL_COUNT) return ok(v as number);
  return fail(
    `expected an IPv4 block like "203.0.113.0/24" or a count of addresses up to ${MAX_POOL_COUNT}, got ${describeValue(v)}`,
  );
});

const COUNTRY_CODES = DEFAULT_COUNTRIES.map((c) => c.code);

/** Fields every scanner kind shares: its sessions (accounts), their rate, when it begins. */
const sessions = {
  sessions: positiveIntField.default(1),
  numbersPerSecond: positiveNumber,
  start: durationField.optional(),
};

const randomAttackerSchema = z.strictObject({
  kind: z.literal('random'),
  ...sessions,
  numbersPerSecond: positiveIntField,
  clientIp: ipField,
});

const sequentialAttackerSchema = z.strictObject({
  kind: z.literal('sequential'),
  ...sessions,
  clientIp: ipField,
  country: countryField.optional(),
  startAt: z.int().min(0).default(0),
  count: positiveIntField.optional(),
});

const leakListAttackerSchema = z.strictObject({
  kind: z.literal('leak-list'),
  ...sessions,
  clientIp: ipField,
  size: positiveIntField,
  staleShare: share.default(0),
});

/** Exactly one of an IPv4 pool or a number of IPv6 /64s. */
function onePool<T extends { pool?: unknown; ipv6Prefixes?: unknown }>(a: T, ctx: z.RefinementCtx): void {
  if ((a.pool === undefined) === (a.ipv6Prefixes === undefined))
    ctx.addIssue({
      code: 'custom',
      message: 'give either pool (IPv4) or ipv6Prefixes, not both or neither',
      path: ['pool'],
    });
}

const sybilAttackerSchema = z
  .strictObject({
    kind: z.literal('sybil'),
    accounts: positiveIntField,
    numbersPerSecondPerAccount: positiveNumber,
    pool: ipv4PoolField.optional(),
    ipv6Prefixes: positiveIntField.optional(),
    start: durationField.optional(),
  })
  .superRefine(onePool);

const rotationAttackerSchema = z
  .strictObject({
    kind: z.literal('rotation'),
    ...sessions,
    pool: ipv4PoolField.optional(),
    ipv6Prefixes: positiveIntField.optional(),
  })
  .superRefine(onePool);

const lowAndSlowAttackerSchema = z.strictObject({
  kind: z.literal('low-and-slow'),
  ...sessions,
  numbersPerSecond: positiveNumber.default(1),
  clientIp: ipField,
  jitter: share.default(0.5),
  batchSize: positiveIntField.optional(),
});

/** Agents from a module: its path relative to the scenario file, and options passed as they are. */
const moduleAttackerSchema = z.strictObject({
  kind: z.literal('module'),
  module: z.string().min(1),
  options: z.record(z.string(), z.unknown()).default({}),
});

const scenarioSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  seed: z.int().min(0).default(1),
  duration: durationField,
  batchSize: positiveIntField.default(1000),
  population: z.strictObject({ accounts: positiveIntField }),
  legit: legitSchema,
  attackers: z
    .array(
      z.discriminatedUnion('kind', [
        randomAttackerSchema,
        sequentialAttackerSchema,
        leakListAttackerSchema,
        sybilAttackerSchema,
        rotationAttackerSchema,
        lowAndSlowAttackerSchema,
        ...adaptiveAttackerSchemas,
        moduleAttackerSchema,
      ]),
    )
    .default([]),
});

export type Scenario = z.output<typeof scenarioSchema>;

/** Parses and validates scenario YAML; throws ERR_SCENARIO_INVALID with located messages. */
export function parseScenario(text: string, source = '<inline>'): Scenario {
  const file = basename(source);
  const map = parseYamlSource(text);
  const fail = (issues: Parameters<typeof sortIssues>[0]): never => {
    throw new EnumguardError('ERR_SCENARIO_INVALID', formatIssues(file, sortIssues(issues)));
  };
  if (map.syntaxIssues.length > 0) fail(map.syntaxIssues);
  const parsed = scenarioSchema.safeParse(map.data, { error: policyErrorMap });
  if (!parsed.success) fail(fromZodIssues(parsed.error.issues).map((i) => map.locate(i)));
  const scenario = (parsed as { data: Scenario }).data;
  // Module paths are relative to the scenario file (to the working directory when inline).
  const dir = source === '<inline>' ? process.cwd() : dirname(resolve(source));
  return {
    ...scenario,
    attackers: scenario.attackers.map((a) =>
      a.kind === 'module' ? { ...a, module: resolve(dir, a.module) } : a,
    ),
  };
}

export async function loadScenario(path: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new EnumguardError(
      'ERR_SCENARIO_INVALID',
      `${path}: cannot read the scenario: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
  return parseScenario(text, path);
}

/** What runWorld needs from a scenario, minus the policy. */
export function worldOptions(s: Scenario) {
  return {
    seed: s.seed,
    accounts: s.population.accounts,
    durationMs: s.duration,
    batchSize: s.batchSize,
    legit: {
      users: s.legit.users,
      installWithinMs: s.legit.installWithin,
      resyncEveryMs: s.legit.resyncEvery,
      newContactsPerWeek: s.legit.newContactsPerWeek,
      cgnatShare: s.legit.cgnatShare,
      usersPerCgnatAddress: s.legit.usersPerCgnatAddress,
      ipv6Share: s.legit.ipv6Share,
      reinstallShare: s.legit.reinstallShare,
      powerUserShare: s.legit.powerUserShare,
      powerUserContacts: s.legit.powerUserContacts,
      fewContactsShare: s.legit.fewContactsShare,
      ...(s.legit.withAttackerAddress ? { withAttackerAddress: s.legit.withAttackerAddress } : {}),
    },
    attackers: s.attackers.map(attackerOptions),
  };
}

type ScenarioAttacker = Scenario['attackers'][number];

function poolSpec(a: { pool?: string | number | undefined; ipv6Prefixes?: number | undefined }): PoolSpec {
  return a.pool !== undefined ? { ipv4: a.pool } : { ipv6Prefixes: a.ipv6Prefixes ?? 1 };
}

/** A scenario entry as runWorld takes it: durations in ms, pools resolved. */
export function attackerOptions(a: ScenarioAttacker): AttackerOptions {
  const startAtMs = 'start' in a ? (a.start ?? 0) : 0;
  switch (a.kind) {
    case 'random':
    case 'leak-list': {
      const { start: _s, ...rest } = a;
      return { ...rest, startAtMs };
    }
    case 'sequential': {
      const { start: _s, country, count, ...rest } = a;
      return {
        ...rest,
        ...(country !== undefined ? { country } : {}),
        ...(count !== undefined ? { count } : {}),
        startAtMs,
      };
    }
    case 'sybil':
      return {
        kind: a.kind,
        accounts: a.accounts,
        numbersPerSecondPerAccount: a.numbersPerSecondPerAccount,
        pool: poolSpec(a),
        startAtMs,
      };
    case 'rotation':
      return {
        kind: a.kind,
        sessions: a.sessions,
        numbersPerSecond: a.numbersPerSecond,
        pool: poolSpec(a),
        startAtMs,
      };
    case 'low-and-slow': {
      const { start: _s, batchSize, ...rest } = a;
      return { ...rest, ...(batchSize !== undefined ? { batchSize } : {}), startAtMs };
    }
    case 'module':
      return a;
    default:
      return adaptiveAttackerOptions(a);
  }
}
