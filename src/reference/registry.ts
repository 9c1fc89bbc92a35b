import type { Rng } from '../core/rng.ts';
import type { Population } from './population/population.ts';

/**
 * Accounts and sessions that come into being while the service runs: numbers registered
 * that the synthetic population does not hold (an attacker's SIMs, a Sybil swarm), early
 * sign-ups of population accounts due to join later, and bearer tokens.
 *
 * New accounts take indexes after the population's. Their numbers are indexed two ways so
 * the lookup path stays cheap: a bitmap over candidate indexes for numbers in the candidate
 * space (a miss costs one bit test), and a Map for anything else.
 */
export interface Registry {
  /** Population accounts plus accounts registered here. */
  count: () => number;
  register: (e164: number, now: number) => { readonly account: number; readonly token: string };
  /** The account a bearer token belongs to, or -1. */
  accountOfToken: (token: string) => number;
  /** An account registered here holding the number, or -1. `candidate` is its candidate index or -1. */
  extraAccount: (e164: number, candidate: number) => number;
  /** True when any account was registered here (lets the lookup skip extraAccount). */
  hasExtra: () => boolean;
  /** Registration time, honouring population accounts that registered early here. */
  registeredAt: (account: number) => number;
  /**
   * When a population account first registered through this service, or Infinity. Such an
   * account stays registered from then on, whatever the population's timeline says: an early
   * sign-up, a return after unregistering, or a user whose app is in use.
   */
  registeredHereAt: (account: number) => number;
  numberOf: (account: number) => number;
}

export function createRegistry(population: Population, rng: Rng): Registry {
  const base = population.accountCount;
  const extraNumbers: number[] = [];
  const extraRegisteredAt: number[] = [];
  const byNumber = new Map<number, number>();
  const candidateBits = new Uint8Array(Math.ceil(population.candidateCount / 8));
  /** Population accounts registered here: the first time each did. */
  const here = new Map<number, number>();
  const tokens = new Map<string, number>();
  const tokenOf = new Map<number, string>();

  const newToken = (): string => {
    let token = 'rt_';
    for (let i = 0; i < 4; i++)
      token += Math.floor(rng.next() * 4294967296)
        .toString(16)
        .padStart(8, '0');
    return token;
  };

  return {
    count: () => base + extraNumbers.length,
    hasExtra: () => extraNumbers.length > 0,
    register(e164, now) {
      let account = population.accountOf(e164);
      if (account >= 0) {
        if (!here.has(account)) here.set(account, now);
      } else {
        account = byNumber.get(e164) ?? -1;
        if (account < 0) {
          account = base + extraNumbers.length;
          extraNumbers.push(e164);
          extraRegisteredAt.push(now);
          byNumber.set(e164, account);
          const candidate = population.candidateIndexOf(e164);
          if (candidate >= 0) candidateBits[candidate >>> 3]! |= 1 << (candidate & 7);
        }
      }
      // Verifying on a new phone signs the old one out, as messaging apps do.
      const previous = tokenOf.get(account);
      if (previous !== undefined) tokens.delete(previous);
      const token = newToken();
      tokens.set(token, account);
      tokenOf.set(account, token);
      return { account, token };
    },
    accountOfToken: (token) => tokens.get(token) ?? -1,
    extraAccount(e164, candidate) {
      if (candidate >= 0 && ((candidateBits[candidate >>> 3] as number) & (1 << (candidate & 7))) === 0)
        return -1;
      return byNumber.get(e164) ?? -1;
    },
    registeredAt(account) {
      if (account < base) return Math.min(here.get(account) ?? Infinity, population.registeredAt(account));
      return extraRegisteredAt[account - base] ?? NaN;
    },
    registeredHereAt: (account) => here.get(account) ?? Infinity,
    numberOf(account) {
      return account < base ? population.numberOf(account) : (extraNumbers[account - base] ?? NaN);
    },
  };
}
