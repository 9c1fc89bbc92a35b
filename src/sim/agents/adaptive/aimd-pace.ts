/**
 * Additive-increase, multiplicative-decrease pacing for many keys at once (accounts, networks,
 * each on each route), in flat arrays so thousands of accounts cost a few kilobytes. A key
 * raises its pace after every answer until it is refused, then halves it: it probes for a
 * threshold it cannot see and settles below it. Budgets RateLimit fields reveal are kept
 * apart (limit-budgets.ts).
 */
export interface PaceOptions {
  /** Units (numbers looked up, or requests) per second each key starts at. */
  readonly start: number;
  readonly min: number;
  readonly max: number;
  /** Added per answered request, as a share of the current pace (default 0.05). */
  readonly increase?: number;
  /** Multiplied in on a refusal (default 0.5). */
  readonly decrease?: number;
}

export interface AimdPace {
  /** Units per second key `k` may use now. */
  rate(k: number): number;
  /** Earliest virtual ms key `k` may send next. */
  readyAt(k: number): number;
  /** Spends `cost` units at `now`: the key's next slot moves on by cost / rate. */
  spend(k: number, cost: number, now: number): void;
  raise(k: number): void;
  cut(k: number): void;
  /** Holds key `k` back until `at` (a Retry-After, a reset). */
  holdUntil(k: number, at: number): void;
  /** Forgets key `k`'s history (a fresh account in its slot). */
  reset(k: number): void;
}

export function aimdPace(keys: number, options: PaceOptions): AimdPace {
  const rates = new Float64Array(keys).fill(options.start);
  const next = new Float64Array(keys);
  const increase = options.increase ?? 0.05;
  const decrease = options.decrease ?? 0.5;
  return {
    rate: (k) => rates[k] as number,
    readyAt: (k) => next[k] as number,
    spend(k, cost, now) {
      next[k] = Math.max(next[k] as number, now) + (cost / (rates[k] as number)) * 1000;
    },
    raise(k) {
      const r = rates[k] as number;
      rates[k] = Math.min(options.max, r + Math.max(options.min, r * increase));
    },
    cut(k) {
      rates[k] = Math.max(options.min, (rates[k] as number) * decrease);
    },
    holdUntil(k, at) {
      next[k] = Math.max(next[k] as number, at);
    },
    reset(k) {
      rates[k] = options.start;
      next[k] = 0;
    },
  };
}
