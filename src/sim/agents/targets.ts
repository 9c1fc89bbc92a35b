import type { Rng } from '../../core/rng.ts';
import { formatE164 } from '../../reference/e164.ts';
import type { Population } from '../../reference/population/population.ts';
import type { TargetSource } from './scanner.ts';

/**
 * A full-period walk of [0, n): index i maps to (a × i + b) mod n with a coprime to n, so
 * every index comes up exactly once, in an order that looks random and costs no memory.
 */
export function affinePermutation(n: number, rng: Rng): (i: number) => number {
  let a = Math.max(1, Math.floor(n * 0.6180339887) | 1);
  while (gcd(a, n) !== 1) a += 2;
  const b = rng.int(n);
  // a and i are below 2^31 for any space we build, so a × i stays exact in a double.
  return (i) => (a * i + b) % n;
}

function gcd(x: number, y: number): number {
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/** Hands out numbers from a list in order; empty once the list is used up. */
export function listTargets(numbers: readonly string[]): TargetSource {
  let next = 0;
  return (_ctx, count) => {
    const out = numbers.slice(next, next + count);
    next += out.length;
    return out;
  };
}

/**
 * Every candidate once, in a seeded random order, as the researchers tested each generated
 * number once. All accounts of a scanner share the walk, so a swarm coordinates for free.
 */
export function permutationTargets(population: Population, rng: Rng): TargetSource {
  const n = population.candidateCount;
  const at = affinePermutation(n, rng);
  let next = 0;
  return (_ctx, count) => {
    const take = Math.min(count, n - next);
    const out = new Array<string>(take);
    for (let i = 0; i < take; i++) out[i] = formatE164(population.candidateAt(at(next + i)));
    next += take;
    return out;
  };
}

/**
 * Consecutive candidates from `from` for `count` of them: a scan of number ranges in order.
 * candidateAt walks each country's valid blocks in ascending order, so consecutive indexes are
 * consecutive valid numbers, block after block, as a range scanner would dial them.
 */
export function sequentialTargets(population: Population, from: number, count: number): TargetSource {
  const end = Math.min(population.candidateCount, from + count);
  let next = Math.min(from, end);
  return (_ctx, want) => {
    const take = Math.min(want, end - next);
    const out = new Array<string>(take);
    for (let i = 0; i < take; i++) out[i] = formatE164(population.candidateAt(next + i));
    next += take;
    return out;
  };
}

/**
 * A leaked list as a breach would yield it: `size` numbers, a `staleShare` of them no longer
 * registered (changed numbers, closed accounts: candidates with no account), the rest numbers of
 * accounts registered at `registeredBy` (epoch ms, the breach): joined by then, not yet left.
 * Shuffled, seeded, no repeats.
 */
export function leakedNumbers(
  population: Population,
  size: number,
  staleShare: number,
  registeredBy: number,
  rng: Rng,
): string[] {
  const stale = Math.round(size * staleShare);
  const out: string[] = [];
  const accounts = affinePermutation(population.accountCount, rng);
  for (let i = 0; i < population.accountCount && out.length < size - stale; i++) {
    const account = accounts(i);
    if (population.registeredAt(account) <= registeredBy && population.unregisteredAt(account) > registeredBy)
      out.push(formatE164(population.numberOf(account)));
  }
  const candidates = affinePermutation(population.candidateCount, rng);
  for (let i = 0; i < population.candidateCount && out.length < size; i++) {
    const index = candidates(i);
    if (population.accountOfCandidate(index) < 0) out.push(formatE164(population.candidateAt(index)));
  }
  // Fisher–Yates, so stale entries are spread through the list rather than at its end.
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j] as string, out[i] as string];
  }
  return out;
}
