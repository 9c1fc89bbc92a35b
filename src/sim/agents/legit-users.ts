import { seededRng, type Rng } from '../../core/rng.ts';
import { formatE164 } from '../../reference/e164.ts';
import type { Population } from '../../reference/population/population.ts';
import type { Agent, AgentContext } from '../agent.ts';
import { legitUser } from './legit-user.ts';
import { fewContactsBook, powerUserBook } from './legit-user-books.ts';

export interface LegitOptions {
  readonly users: number;
  /** Installs (register + full sync) are spread uniformly over this window from the start. */
  readonly installWithinMs: number;
  readonly resyncEveryMs: number;
  readonly newContactsPerWeek: number;
  /** Share of users behind carrier-grade NAT, and how many share one address there. */
  readonly cgnatShare: number;
  readonly usersPerCgnatAddress: number;
  /** Share of users on IPv6 (each with its own /64). */
  readonly ipv6Share: number;
  /** Share of users who reinstall or move to a new device once, at a random time after installing (absent: 0). */
  readonly reinstallShare?: number;
  /** Share of users with books of `powerUserContacts` numbers, extended past their own books (absent: 0). */
  readonly powerUserShare?: number;
  readonly powerUserContacts?: number;
  /** Share of new users with only a few contacts, 5 to 20 numbers (absent: 0). */
  readonly fewContactsShare?: number;
  /** Legit users placed on one address with an attacker (CGNAT, a campus). */
  readonly withAttackerAddress?: { readonly address: string; readonly users: number };
}

/**
 * The scenario file's defaults for the realism options. A WorldOptions value built in code
 * leaves an option out to turn it off (share 0), so a test states exactly the users it runs.
 */
export const LEGIT_DEFAULTS = {
  reinstallShare: 0.05,
  powerUserShare: 0.01,
  powerUserContacts: 5000,
  fewContactsShare: 0.05,
} as const;

export type LegitKind = 'regular' | 'power' | 'few-contacts';

export interface LegitUsersInput {
  readonly population: Population;
  readonly options: LegitOptions;
  readonly batchSize: number;
  readonly seed: number;
  readonly durationMs: number;
}

/**
 * The scenario's legit users: population accounts 0..users-1, each with its address book
 * (or a power user's or a new user's), its address, install time and maybe a reinstall.
 * Roles are drawn from their own seeded stream, so adding them left every user's address and
 * install time as they were.
 */
export function legitUsers(input: LegitUsersInput): Agent[] {
  const { population, options: o, batchSize } = input;
  const rng = seededRng(input.seed ^ 0x5eed);
  const roles = seededRng(input.seed ^ 0x1e6175);
  const shared = sharedAddressUsers(o);
  const agents: Agent[] = [];
  const users = Math.min(o.users, population.accountCount);
  for (let account = 0; account < users; account++) {
    const kind = kindOf(roles.next(), o);
    const clientIp = legitAddress(account, o, rng);
    const installAt = rng.next() * o.installWithinMs;
    const reinstall = roles.next() < (o.reinstallShare ?? 0);
    const reinstallAt = installAt + roles.next() * Math.max(0, input.durationMs - installAt);
    agents.push(
      legitUser({
        id: `legit-${account}`,
        number: formatE164(population.numberOf(account)),
        contacts: () => formatAll(bookOf(population, account, kind, o)),
        clientIp: shared.has(account) ? (o.withAttackerAddress?.address ?? clientIp) : clientIp,
        installAt,
        ...(reinstall ? { reinstallAt } : {}),
        resyncEveryMs: o.resyncEveryMs,
        newContactsPerWeek: o.newContactsPerWeek,
        batchSize,
        newContact: (ctx: AgentContext) =>
          formatE164(population.candidateAt(ctx.rng.int(population.candidateCount))),
      }),
    );
  }
  return agents;
}

function kindOf(draw: number, o: LegitOptions): LegitKind {
  const power = o.powerUserShare ?? 0;
  if (draw < power) return 'power';
  if (draw < power + (o.fewContactsShare ?? 0)) return 'few-contacts';
  return 'regular';
}

function bookOf(population: Population, account: number, kind: LegitKind, o: LegitOptions): Float64Array {
  if (kind === 'power')
    return powerUserBook(population, account, o.powerUserContacts ?? LEGIT_DEFAULTS.powerUserContacts);
  if (kind === 'few-contacts') return fewContactsBook(population, account);
  return population.addressBook(account);
}

/** The users on the attacker's address: spread evenly over the users, not the first ones. */
function sharedAddressUsers(o: LegitOptions): Set<number> {
  const out = new Set<number>();
  const n = Math.min(o.withAttackerAddress?.users ?? 0, o.users);
  for (let j = 0; j < n; j++) out.add(Math.floor((j * o.users) / n));
  return out;
}

/** CGNAT users share 100.64.0.0/10 addresses; others get their own IPv4, or their own IPv6 /64. */
function legitAddress(account: number, o: LegitOptions, rng: Rng): string {
  const draw = rng.next();
  if (draw < o.cgnatShare) {
    const shared = Math.floor(account / Math.max(1, o.usersPerCgnatAddress));
    return `100.${64 + ((shared >> 16) & 63)}.${(shared >> 8) & 255}.${shared & 255}`;
  }
  if (draw < o.cgnatShare + o.ipv6Share) {
    return `2001:db8:${(account >> 16).toString(16)}:${(account & 0xffff).toString(16)}::${(1 + rng.int(0xfffe)).toString(16)}`;
  }
  return `10.${(account >> 16) & 255}.${(account >> 8) & 255}.${account & 255}`;
}

/** E.164 texts of a book; a plain loop, since Array.from with a mapper is several times slower. */
function formatAll(numbers: Float64Array): string[] {
  const out = new Array<string>(numbers.length);
  for (let i = 0; i < numbers.length; i++) out[i] = formatE164(numbers[i] as number);
  return out;
}
