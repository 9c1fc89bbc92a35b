import { seededRng } from '../../core/rng.ts';
import type { Population } from '../../reference/population/population.ts';
import type { Agent, AgentContext } from '../agent.ts';
import { ipv4PoolOf, poolAddress, rotatingAddress, type AddressPool } from './addresses.ts';
import { scanner, type TargetSource } from './scanner.ts';
import { leakedNumbers, listTargets, permutationTargets, sequentialTargets } from './targets.ts';
import { internalError } from '../../core/internal-error.ts';
import { ADAPTIVE_KINDS, type AdaptiveAttacker } from './adaptive/adaptive-spec.ts';
import { createAdaptiveAttacker } from './adaptive/create-adaptive.ts';

/** Where a pool of attacker addresses lies: an IPv4 CIDR block or count, or a number of IPv6 /64s. */
export type PoolSpec = { readonly ipv4: string | number } | { readonly ipv6Prefixes: number };

interface Timed {
  /** When the attack begins, virtual ms from the start of the run. */
  readonly startAtMs: number;
}

/** The fixed-course scanners. Rates are numbers looked up per second by each session/account. */
export type ScannerAttacker = Timed &
  (
    | {
        readonly kind: 'random';
        readonly sessions: number;
        readonly numbersPerSecond: number;
        readonly clientIp: string;
      }
    | {
        readonly kind: 'sequential';
        readonly sessions: number;
        readonly numbersPerSecond: number;
        readonly clientIp: string;
        /** Scan only this country's candidates (ISO code, as in the population). */
        readonly country?: string;
        /** First candidate index scanned, within the country when one is given. */
        readonly startAt: number;
        /** How many consecutive candidates to scan (default: to the end of the range). */
        readonly count?: number;
      }
    | {
        readonly kind: 'leak-list';
        readonly sessions: number;
        readonly numbersPerSecond: number;
        readonly clientIp: string;
        readonly size: number;
        /** Share of the list that is stale: numbers no longer registered. */
        readonly staleShare: number;
      }
    | {
        readonly kind: 'sybil';
        readonly accounts: number;
        readonly numbersPerSecondPerAccount: number;
        readonly pool: PoolSpec;
      }
    | {
        readonly kind: 'rotation';
        readonly sessions: number;
        readonly numbersPerSecond: number;
        readonly pool: PoolSpec;
      }
    | {
        readonly kind: 'low-and-slow';
        readonly sessions: number;
        readonly numbersPerSecond: number;
        readonly clientIp: string;
        readonly jitter: number;
        readonly batchSize?: number;
      }
  );

/** The built-in attackers: fixed-course scanners, and those that adapt to every answer. */
export type BuiltInAttacker = ScannerAttacker | AdaptiveAttacker;

const isAdaptive = (spec: BuiltInAttacker): spec is AdaptiveAttacker =>
  (ADAPTIVE_KINDS as readonly string[]).includes(spec.kind);

export interface AttackerWorld {
  readonly population: Population;
  readonly batchSize: number;
  /** The attacker's position in the scenario: it keeps ids, SIM numbers and seeds apart. */
  readonly index: number;
}

/**
 * The attacker's own SIM numbers, one account each. They lie under +999 (a code the ITU
 * keeps spare), so they never collide with the population; "random" keeps its historic form.
 */
function simNumbers(kind: string, index: number, count: number): string[] {
  return Array.from({ length: count }, (_, s) =>
    kind === 'random'
      ? `+999${String(index * 1000 + s).padStart(8, '0')}`
      : `+999${String(index * 10_000_000 + s).padStart(10, '0')}`,
  );
}

function poolOf(spec: PoolSpec): AddressPool {
  return 'ipv4' in spec ? ipv4PoolOf(spec.ipv4) : { kind: 'ipv6', prefixes: spec.ipv6Prefixes };
}

/** Builds one built-in attacker as a scanner agent with its own targets and addresses. */
export function createAttacker(spec: BuiltInAttacker, world: AttackerWorld): Agent {
  if (isAdaptive(spec)) return createAdaptiveAttacker(spec, world);
  const { population, index } = world;
  const rng = seededRng(0x5ca11 + index);
  const fixed = (ip: string) => (): string => ip;
  const base = {
    id: `${spec.kind}-scanner-${index}`,
    startAt: spec.startAtMs,
    batchSize: world.batchSize,
  };
  switch (spec.kind) {
    case 'random':
      return scanner({
        ...base,
        accounts: simNumbers(spec.kind, index, spec.sessions),
        clientIp: fixed(spec.clientIp),
        numbersPerSecond: spec.numbersPerSecond,
        targets: permutationTargets(population, rng),
      });
    case 'sequential':
      return scanner({
        ...base,
        accounts: simNumbers(spec.kind, index, spec.sessions),
        clientIp: fixed(spec.clientIp),
        numbersPerSecond: spec.numbersPerSecond,
        targets: sequentialRange(population, spec),
      });
    case 'leak-list': {
      const list = leakedNumbers(
        population,
        spec.size,
        spec.staleShare,
        population.startMs + spec.startAtMs,
        rng,
      );
      return scanner({
        ...base,
        accounts: simNumbers(spec.kind, index, spec.sessions),
        clientIp: fixed(spec.clientIp),
        numbersPerSecond: spec.numbersPerSecond,
        targets: listTargets(list),
      });
    }
    case 'sybil': {
      // Each account keeps one home address, spread over the pool; all walk one permutation.
      const pool = poolOf(spec.pool);
      const homes = Array.from({ length: spec.accounts }, (_, a) => poolAddress(pool, index, a, rng));
      return scanner({
        ...base,
        accounts: simNumbers(spec.kind, index, spec.accounts),
        clientIp: (_ctx, account) => homes[account] as string,
        numbersPerSecond: spec.numbersPerSecondPerAccount,
        targets: permutationTargets(population, rng),
      });
    }
    case 'rotation': {
      const pool = poolOf(spec.pool);
      return scanner({
        ...base,
        accounts: simNumbers(spec.kind, index, spec.sessions),
        clientIp: (ctx: AgentContext) => rotatingAddress(pool, index, ctx.rng),
        numbersPerSecond: spec.numbersPerSecond,
        targets: permutationTargets(population, rng),
      });
    }
    case 'low-and-slow':
      return scanner({
        ...base,
        batchSize: spec.batchSize ?? world.batchSize,
        accounts: simNumbers(spec.kind, index, spec.sessions),
        clientIp: fixed(spec.clientIp),
        numbersPerSecond: spec.numbersPerSecond,
        jitter: spec.jitter,
        targets: permutationTargets(population, rng),
      });
  }
}

function sequentialRange(
  population: Population,
  spec: Extract<ScannerAttacker, { kind: 'sequential' }>,
): TargetSource {
  let from = 0;
  let size = population.candidateCount;
  if (spec.country !== undefined) {
    const country = population.countries.find((c) => c.code === spec.country);
    if (!country) {
      const known = population.countries.map((c) => c.code).join(', ');
      // The scenario's validation allows only the population's countries.
      throw internalError(`sequential attacker: no country "${spec.country}" in the population (${known})`);
    }
    from = country.candidateOffset;
    size = country.candidateCount;
  }
  const start = Math.min(spec.startAt, size);
  return sequentialTargets(population, from + start, Math.min(spec.count ?? Infinity, size - start));
}
