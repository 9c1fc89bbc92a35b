import { parseE164 } from '../../reference/e164.ts';
import { mix32 } from '../../reference/population/hash.ts';
import type { Population } from '../../reference/population/population.ts';
import { MUTUAL, NOT_REGISTERED, REGISTERED, type ContactTruth } from '../scorecard-contact-delay.ts';

/**
 * Users whose contacts the discovery-delay split follows, at most: about 600,000 contacts,
 * plenty for a stable p99, at a few percent of a million-account run's time (20,000 users
 * cost ~7 s of a ~25 s run).
 */
export const CONTACT_DELAY_SAMPLE = 2_000;

/** A legit agent's population account, from its id ("legit-<account>"), or -1. */
export function accountOfLegit(id: string): number {
  if (!id.startsWith('legit-')) return -1;
  const account = Number(id.slice(6));
  return Number.isInteger(account) ? account : -1;
}

/**
 * Which legit users the delay split tracks: all of them up to CONTACT_DELAY_SAMPLE, else a
 * hashed sample of about that many (reinstallers and power users in their share).
 */
export function contactDelaySample(population: Population, users: number): (user: string) => boolean {
  const rate = Math.min(1, CONTACT_DELAY_SAMPLE / Math.max(1, users));
  const salt = mix32(population.seed ^ 0xde1a7);
  return (user) => {
    const account = accountOfLegit(user);
    return account >= 0 && (rate >= 1 || mix32(salt ^ account) / 4294967296 < rate);
  };
}

/**
 * Ground truth from the population: a number is registered when its account's lifetime covers
 * the time, and mutual when that account's own book holds the user's number. Accounts the
 * reference service registered on top of the population (legit users installing before their
 * population time) are not seen here: the split slightly undercounts contacts, never misclassifies.
 */
export function populationTruth(population: Population): ContactTruth {
  const { lifetimes } = population.tables;
  return (user, numbers, at) => {
    const owner = accountOfLegit(user);
    if (owner < 0) return undefined;
    const now = population.startMs + at;
    const out = new Uint8Array(numbers.length);
    for (let i = 0; i < numbers.length; i++) {
      const e164 = parseE164(numbers[i] as string);
      const candidate = Number.isNaN(e164) ? -1 : population.candidateIndexOf(e164);
      const account = candidate < 0 ? -1 : population.accountOfCandidate(candidate);
      if (
        account < 0 ||
        !((lifetimes[2 * account] as number) <= now && now < (lifetimes[2 * account + 1] as number))
      )
        out[i] = NOT_REGISTERED;
      else out[i] = population.holdsAccount(account, owner) ? MUTUAL : REGISTERED;
    }
    return out;
  };
}

/** A number's candidate index, or -1: what the scorecard counts attackers' distinct lookups by. */
export function candidateIndexReader(population: Population): (number: string) => number {
  return (text) => {
    const e164 = parseE164(text);
    return Number.isNaN(e164) ? -1 : population.candidateIndexOf(e164);
  };
}
