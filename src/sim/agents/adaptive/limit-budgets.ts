import { readLimitFields } from './rate-limit-fields.ts';

interface Budget {
  remaining: number;
  resetAt: number;
  /** Whether the limit charges per number looked up (true) or per request (false); unknown at first. */
  byNumbers: boolean | undefined;
  /** How many of the attacker's account-routes have seen this partition: > 1 means shared (a network's). */
  sharers: number;
  quota: number | undefined;
  windowS: number | undefined;
}

/**
 * The budgets RateLimit fields reveal, per partition (`pk`), as the attacker tracks them: the
 * remaining units, counted down locally between answers so accounts sharing a partition do
 * not overrun it together, and the time of the reset. Bounded: past `capacity` partitions the
 * oldest are forgotten. Each account-route remembers at most four partitions.
 */
export function limitBudgets(keys: number, capacity: number) {
  const budgets = new Map<string, Budget>();
  const seen: (string[] | undefined)[] = new Array<string[] | undefined>(keys).fill(undefined);
  const need = (b: Budget, cost: number): number => (b.byNumbers === true ? cost : 1);

  function budgetOf(partition: string): Budget {
    let b = budgets.get(partition);
    if (b === undefined) {
      if (budgets.size >= capacity) budgets.delete(budgets.keys().next().value as string);
      b = {
        remaining: Infinity,
        resetAt: 0,
        byNumbers: undefined,
        sharers: 0,
        quota: undefined,
        windowS: undefined,
      };
      budgets.set(partition, b);
    }
    return b;
  }

  return {
    /**
     * Earliest time key `k` can afford `cost` on every budget it knows of: when the missing units
     * have refilled at quota over window, or at the reset, whichever comes first (a fixed window
     * gives all back at its reset, a bucket drips them back; a refusal corrects a guess too early).
     */
    readyAt(k: number, cost: number, now: number): number {
      let at = 0;
      for (const p of seen[k] ?? []) {
        const b = budgets.get(p);
        if (b === undefined || b.remaining >= need(b, cost) || now >= b.resetAt) continue;
        const refill =
          b.quota !== undefined && b.windowS !== undefined && b.quota > 0
            ? now + ((need(b, cost) - b.remaining) * b.windowS * 1000) / b.quota
            : Infinity;
        at = Math.max(at, Math.min(b.resetAt, refill));
      }
      return at;
    },
    spend(k: number, cost: number): void {
      for (const p of seen[k] ?? []) {
        const b = budgets.get(p);
        if (b !== undefined) b.remaining -= need(b, cost);
      }
    },
    /** True when some budget of key `k` cannot pay another `cost` before its reset. */
    low(k: number, cost: number, now: number): boolean {
      return this.readyAt(k, cost, now) > now;
    },
    /** Reads an answer's fields for key `k`. */
    learn(k: number, headers: Readonly<Record<string, string>>, cost: number, now: number): void {
      for (const f of readLimitFields(headers)) {
        const b = budgetOf(f.partition);
        const list = (seen[k] ??= []);
        if (!list.includes(f.partition) && list.length < 4) {
          list.push(f.partition);
          b.sharers++;
        }
        if (f.remaining !== undefined) {
          // A drop by about the request's numbers says the limit counts numbers, not requests.
          if (b.byNumbers === undefined && b.sharers === 1 && Number.isFinite(b.remaining) && cost > 1)
            b.byNumbers = b.remaining - f.remaining > cost / 2;
          b.remaining = f.remaining;
        }
        if (f.resetS !== undefined) b.resetAt = now + f.resetS * 1000;
        b.quota = f.quota ?? b.quota;
        b.windowS = f.windowS ?? b.windowS;
      }
    },
    /** Forgets key `k`'s partitions (a fresh account in its slot). */
    forget(k: number): void {
      seen[k] = undefined;
    },
  };
}

export type LimitBudgets = ReturnType<typeof limitBudgets>;
