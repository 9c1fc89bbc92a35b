import type { RouteId } from './plan.ts';

/** One fetch of profile data for a revealed account: its photo or its profile. */
export interface Fetch {
  readonly route: 'photo' | 'profile';
  readonly accountId: string;
}

/**
 * Fetches waiting to be sent, bounded: when full, lookups wait for fetches to drain
 * (`full()`), so the harvest's profile data keeps up with its accounts.
 */
export function fetchQueue(capacity: number) {
  const items: Fetch[] = [];
  let head = 0;
  return {
    push(fetch: Fetch): boolean {
      if (items.length - head >= capacity) return false;
      items.push(fetch);
      return true;
    },
    peek: (): Fetch | undefined => items[head],
    shift(): Fetch | undefined {
      const f = items[head++];
      // Compact now and then so the array does not keep every fetch ever made.
      if (head > 4096 && head * 2 > items.length) {
        items.splice(0, head);
        head = 0;
      }
      return f;
    },
    /** Drops queued fetches of a route given up on. */
    dropRoute(route: RouteId): void {
      const keep = items.slice(head).filter((f) => f.route !== route);
      items.length = 0;
      items.push(...keep);
      head = 0;
    },
    size: (): number => items.length - head,
    full: (): boolean => items.length - head >= capacity,
  };
}

export type FetchQueue = ReturnType<typeof fetchQueue>;
