/**
 * A bounded pool of numbers the attacker knows to be registered (a leak list, earlier
 * answers), to pad batches with. It fills up to `capacity` and then stays as it is, so an
 * account's padding "book" is the same slice of it every time: a quota that charges only
 * numbers never asked before (Signal's) charges the book once.
 */
export interface KnownNumbers {
  add(number: string): void;
  readonly size: () => number;
  /** `count` numbers of slot `slot`'s book (fewer while the pool is smaller). */
  book(slot: number, count: number): string[];
}

export function knownNumbers(capacity: number, seedNumbers: readonly string[] = []): KnownNumbers {
  const pool: string[] = [];
  const members = new Set<string>();
  /** Per account slot, the pool size its book ranges over: one number per slot. */
  const ranges = new Map<number, number>();
  const add = (n: string): void => {
    if (pool.length >= capacity || members.has(n)) return;
    pool.push(n);
    members.add(n);
  };
  for (const n of seedNumbers) add(n);
  return {
    add,
    size: () => pool.length,
    book(slot, count) {
      // The slice a slot pads with is fixed when first drawn (where it starts, and how much of
      // the pool it ranges over); it widens only when the book must grow past that.
      let range = ranges.get(slot);
      if (range === undefined || (count > range && pool.length > range)) {
        range = pool.length;
        ranges.set(slot, range);
      }
      const take = Math.min(count, range);
      const out = new Array<string>(take);
      // Each slot's book starts at its own place, so books overlap little across accounts.
      const start = (slot * 7919) % Math.max(1, range);
      for (let i = 0; i < take; i++) out[i] = pool[(start + i) % range] as string;
      return out;
    },
  };
}

/**
 * Numbers to ask again later (a defended gateway's `enumguard-deferred`, a refused batch),
 * bounded: past `capacity` numbers the oldest are dropped, the scan losing them rather than
 * the simulator growing without end.
 */
export interface NumberQueue {
  push(dueAt: number, numbers: readonly string[]): void;
  /** Up to `count` numbers whose time has come. */
  take(now: number, count: number): string[];
  /** When the earliest entry comes due, or Infinity. */
  readonly nextDue: () => number;
  readonly size: () => number;
  readonly dropped: () => number;
}

export function numberQueue(capacity: number): NumberQueue {
  const entries: { dueAt: number; numbers: string[] }[] = [];
  let size = 0;
  let dropped = 0;
  return {
    push(dueAt, numbers) {
      if (numbers.length === 0) return;
      let at = entries.length;
      while (at > 0 && (entries[at - 1] as { dueAt: number }).dueAt > dueAt) at--;
      entries.splice(at, 0, { dueAt, numbers: [...numbers] });
      size += numbers.length;
      while (size > capacity && entries.length > 0) {
        const oldest = entries.shift() as { numbers: string[] };
        size -= oldest.numbers.length;
        dropped += oldest.numbers.length;
      }
    },
    take(now, count) {
      const out: string[] = [];
      while (out.length < count && entries.length > 0 && (entries[0] as { dueAt: number }).dueAt <= now) {
        const head = entries[0] as { numbers: string[] };
        const part = head.numbers.splice(0, count - out.length);
        out.push(...part);
        size -= part.length;
        if (head.numbers.length === 0) entries.shift();
      }
      return out;
    },
    nextDue: () => entries[0]?.dueAt ?? Infinity,
    size: () => size,
    dropped: () => dropped,
  };
}
