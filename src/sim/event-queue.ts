import { internalError } from '../core/internal-error.ts';

/**
 * The simulator's agenda: a binary min-heap of events ordered by virtual time, then by
 * insertion order, so equal times run first-scheduled first and every run is repeatable.
 */
export interface EventQueue<T> {
  push(at: number, item: T): void;
  /** The earliest event, or undefined when empty. */
  pop(): { at: number; item: T } | undefined;
  peekTime(): number | undefined;
  size(): number;
}

export function createEventQueue<T>(): EventQueue<T> {
  const times: number[] = [];
  const seqs: number[] = [];
  const items: T[] = [];
  let seq = 0;

  const less = (i: number, j: number): boolean =>
    (times[i] as number) < (times[j] as number) ||
    ((times[i] as number) === (times[j] as number) && (seqs[i] as number) < (seqs[j] as number));

  function swap(i: number, j: number): void {
    [times[i], times[j]] = [times[j] as number, times[i] as number];
    [seqs[i], seqs[j]] = [seqs[j] as number, seqs[i] as number];
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }

  return {
    push(at, item) {
      // The runner checks agents' times (wakeAt) itself, so a bad time here is its own.
      if (!Number.isFinite(at)) throw internalError(`an event needs a finite time, got ${at}`);
      let i = times.length;
      times.push(at);
      seqs.push(seq++);
      items.push(item);
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!less(i, parent)) break;
        swap(i, parent);
        i = parent;
      }
    },
    pop() {
      const n = times.length;
      if (n === 0) return undefined;
      const top = { at: times[0] as number, item: items[0] as T };
      const lastTime = times.pop() as number;
      const lastSeq = seqs.pop() as number;
      const lastItem = items.pop() as T;
      if (n > 1) {
        times[0] = lastTime;
        seqs[0] = lastSeq;
        items[0] = lastItem;
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          const r = l + 1;
          let m = i;
          if (l < n - 1 && less(l, m)) m = l;
          if (r < n - 1 && less(r, m)) m = r;
          if (m === i) break;
          swap(i, m);
          i = m;
        }
      }
      return top;
    },
    peekTime: () => times[0],
    size: () => times.length,
  };
}
