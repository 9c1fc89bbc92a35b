import * as z from 'zod';
import { durationField, field, positiveIntField } from '../../../policy/fields.ts';
import { describeValue, fail, parsePositiveInt } from '../../../policy/values.ts';
import { ipField, positiveNumber, share } from '../../scenario-fields.ts';
import type { AdaptiveAttacker, AdaptiveCommon } from './adaptive-spec.ts';
import { MAX_IPV4_NETWORKS, MAX_IPV6_NETWORKS, type NetworkSpec } from './networks.ts';

const DAY_MS = 86_400_000;
/** SIM numbers per entry: ten digits under +999, the entry's index in front of seven of them. */
const MAX_SIMS = 1_000_000;
/** Leak lists are held in memory as strings. */
const MAX_LEAK = 2_000_000;

const upTo = (max: number) =>
  field((v) => {
    const n = parsePositiveInt(v);
    return n.ok && n.value > max ? fail<number>(`expected at most ${max}, got ${describeValue(v)}`) : n;
  });

/** Fields every adaptive kind shares; `networks` is one of ipv4Networks, ipv6Networks or clientIp. */
const common = {
  accounts: upTo(MAX_SIMS).default(100),
  sims: upTo(MAX_SIMS).optional(),
  numbersPerSecond: positiveNumber.default(0.1),
  minNumbersPerSecond: positiveNumber.default(0.0001),
  maxNumbersPerSecond: positiveNumber.default(10),
  fetchesPerSecond: positiveNumber.default(1),
  retireAfter: durationField.default(DAY_MS),
  start: durationField.optional(),
  batchSize: positiveIntField.optional(),
};
const spread = {
  ipv4Networks: upTo(MAX_IPV4_NETWORKS).optional(),
  ipv6Networks: upTo(MAX_IPV6_NETWORKS).optional(),
  clientIp: ipField.optional(),
};

type CommonInput = {
  accounts: number;
  sims?: number | undefined;
  numbersPerSecond: number;
  minNumbersPerSecond: number;
  maxNumbersPerSecond: number;
  ipv4Networks?: number | undefined;
  ipv6Networks?: number | undefined;
  clientIp?: string | undefined;
};

function checkCommon(a: CommonInput, ctx: z.RefinementCtx): void {
  const given = [a.ipv4Networks, a.ipv6Networks, a.clientIp].filter((v) => v !== undefined).length;
  if (given !== 1)
    ctx.addIssue({
      code: 'custom',
      message: 'give exactly one of ipv4Networks, ipv6Networks or clientIp',
      path: ['ipv4Networks'],
    });
  if (a.sims !== undefined && a.sims < a.accounts)
    ctx.addIssue({
      code: 'custom',
      message: `expected at least accounts (${a.accounts}) SIM numbers, got ${a.sims}`,
      path: ['sims'],
    });
  if (!(a.minNumbersPerSecond <= a.numbersPerSecond && a.numbersPerSecond <= a.maxNumbersPerSecond))
    ctx.addIssue({
      code: 'custom',
      message: `expected minNumbersPerSecond <= numbersPerSecond <= maxNumbersPerSecond, got ${a.minNumbersPerSecond}, ${a.numbersPerSecond}, ${a.maxNumbersPerSecond}`,
      path: ['numbersPerSecond'],
    });
}

const leakSize = upTo(MAX_LEAK);

export const adaptiveAttackerSchemas = [
  z.strictObject({ kind: z.literal('swarm'), ...common, ...spread }).superRefine(checkCommon),
  z
    .strictObject({
      kind: z.literal('padding'),
      ...common,
      ...spread,
      hitRatio: share.default(0.6),
      leakSize: leakSize.default(20_000),
      slice: positiveIntField.optional(),
    })
    .superRefine(checkCommon),
  z
    .strictObject({
      kind: z.literal('recycler'),
      ...common,
      ...spread,
      recycle: z.enum(['same-number', 'fresh-number']).default('same-number'),
    })
    .superRefine(checkCommon),
  z
    .strictObject({
      kind: z.literal('ageing'),
      ...common,
      ...spread,
      age: durationField.default(7 * DAY_MS),
      warmupBook: positiveIntField.default(200),
      warmupEvery: durationField.default(DAY_MS),
      leakSize: leakSize.default(20_000),
    })
    .superRefine(checkCommon),
  z
    .strictObject({
      kind: z.literal('leak-confirm'),
      ...common,
      ...spread,
      size: leakSize,
      staleShare: share.default(0.1),
    })
    .superRefine(checkCommon),
  z
    .strictObject({ kind: z.literal('side-routes'), ...common, ...spread, leakSize: leakSize.optional() })
    .superRefine(checkCommon),
  z
    .strictObject({
      kind: z.literal('hidden'),
      ...common,
      accounts: upTo(MAX_SIMS).default(2),
      clientIp: ipField,
      hitRatio: share.optional(),
      leakSize: leakSize.default(5000),
    })
    .superRefine(checkCommon),
] as const;

type Entry = z.output<(typeof adaptiveAttackerSchemas)[number]>;

function networksOf(a: Entry): NetworkSpec {
  if ('ipv4Networks' in a && a.ipv4Networks !== undefined) return { kind: 'ipv4', count: a.ipv4Networks };
  if ('ipv6Networks' in a && a.ipv6Networks !== undefined) return { kind: 'ipv6', count: a.ipv6Networks };
  return { kind: 'fixed', clientIp: a.clientIp ?? '' };
}

function commonOf(a: Entry): AdaptiveCommon {
  return {
    startAtMs: a.start ?? 0,
    accounts: a.accounts,
    sims: a.sims ?? a.accounts,
    networks: networksOf(a),
    numbersPerSecond: { start: a.numbersPerSecond, min: a.minNumbersPerSecond, max: a.maxNumbersPerSecond },
    fetchesPerSecond: a.fetchesPerSecond,
    retireAfterMs: a.retireAfter,
    ...(a.batchSize === undefined ? {} : { batchSize: a.batchSize }),
  };
}

/** A validated adaptive entry as runWorld takes it: durations in ms, networks resolved. */
export function adaptiveAttackerOptions(a: Entry): AdaptiveAttacker {
  const c = commonOf(a);
  switch (a.kind) {
    case 'swarm':
      return { ...c, kind: a.kind };
    case 'padding':
      return {
        ...c,
        kind: a.kind,
        hitRatio: a.hitRatio,
        leakSize: a.leakSize,
        ...(a.slice ? { slice: a.slice } : {}),
      };
    case 'recycler':
      return { ...c, kind: a.kind, recycle: a.recycle };
    case 'ageing':
      return {
        ...c,
        kind: a.kind,
        ageMs: a.age,
        warmupBook: a.warmupBook,
        warmupEveryMs: a.warmupEvery,
        leakSize: a.leakSize,
      };
    case 'leak-confirm':
      return { ...c, kind: a.kind, size: a.size, staleShare: a.staleShare };
    case 'side-routes':
      return { ...c, kind: a.kind, ...(a.leakSize !== undefined ? { leakSize: a.leakSize } : {}) };
    case 'hidden':
      return {
        ...c,
        kind: a.kind,
        leakSize: a.leakSize,
        ...(a.hitRatio !== undefined ? { hitRatio: a.hitRatio } : {}),
      };
  }
}
