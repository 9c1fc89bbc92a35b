import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import * as z from 'zod';
import { EnumguardError } from '../core/errors.ts';
import { durationField, field, positiveIntField } from '../policy/fields.ts';
import { formatIssues, fromZodIssues, policyErrorMap, sortIssues } from '../policy/issues.ts';
import { parseYamlSource } from '../policy/locate.ts';
import { describeValue, fail, ok } from '../policy/values.ts';
import { isIP } from 'node:net';

/**
 * A scenario file: the world (population, legit users) and the attackers, on virtual time.
 * Validated like a policy: strict objects, messages with file, line and path.
 */
const share = field((v) =>
  typeof v === 'number' && v >= 0 && v <= 1
    ? ok(v)
    : fail<number>(`expected a share from 0 to 1, got ${describeValue(v)}`),
);
const ipField = field((v) =>
  typeof v === 'string' && isIP(v) !== 0
    ? ok(v)
    : fail<string>(`expected an IP address, got ${describeValue(v)}`),
);
const nonNegative = field((v) =>
  typeof v === 'number' && v >= 0 && Number.isFinite(v)
    ? ok(v)
    : fail<number>(`expected a number of at least 0, got ${describeValue(v)}`),
);

const legitSchema = z.strictObject({
  users: positiveIntField,
  installWithin: durationField.default(86_400_000),
  resyncEvery: durationField.default(30 * 86_400_000),
  newContactsPerWeek: nonNegative.default(2),
  cgnatShare: share.default(0.2),
  usersPerCgnatAddress: positiveIntField.default(200),
  ipv6Share: share.default(0.3),
});

const randomAttackerSchema = z.strictObject({
  kind: z.literal('random'),
  sessions: positiveIntField.default(1),
  numbersPerSecond: positiveIntField,
  clientIp: ipField,
  start: durationField.optional(),
});

const scenarioSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  seed: z.int().min(0).default(1),
  duration: durationField,
  batchSize: positiveIntField.default(1000),
  population: z.strictObject({ accounts: positiveIntField }),
  legit: legitSchema,
  attackers: z.array(z.discriminatedUnion('kind', [randomAttackerSchema])).default([]),
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
  return (parsed as { data: Scenario }).data;
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
    },
    randomScanners: s.attackers.map((a) => ({
      sessions: a.sessions,
      numbersPerSecond: a.numbersPerSecond,
      clientIp: a.clientIp,
      startAtMs: a.start ?? 0,
    })),
  };
}
