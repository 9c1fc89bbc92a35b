import { internalError } from '../core/internal-error.ts';

/**
 * A bounded least-recently-used map with per-entry expiry on an injected time. A Map keeps
 * insertion order, so re-inserting on a hit moves an entry to the young end and the oldest
 * entry is always the first key.
 */
export interface LruCache<V> {
  /** The live value, or undefined when absent or expired at `now` (expired entries are dropped). */
  get(key: string, now: number): V | undefined;
  /** Stores a value valid while `now` is in [validFrom, expiresAt). */
  set(key: string, value: V, validFrom: number, expiresAt: number): void;
  readonly size: number;
}

interface Slot<V> {
  readonly value: V;
  readonly validFrom: number;
  readonly expiresAt: number;
}

export function createLruCache<V>(maxEntries: number): LruCache<V> {
  if (!Number.isInteger(maxEntries) || maxEntries < 0) {
    throw internalError(`an LRU cache needs a whole, non-negative size, got ${maxEntries}`);
  }
  const slots = new Map<string, Slot<V>>();
  return {
    get(key, now) {
      const slot = slots.get(key);
      if (slot === undefined) return undefined;
      slots.delete(key);
      // A clock set backwards before validFrom is treated like expiry: verify again.
      if (now >= slot.expiresAt || now < slot.validFrom) return undefined;
      slots.set(key, slot);
      return slot.value;
    },
    set(key, value, validFrom, expiresAt) {
      if (maxEntries === 0) return;
      slots.delete(key);
      slots.set(key, { value, validFrom, expiresAt });
      if (slots.size > maxEntries) {
        const oldest = slots.keys().next();
        if (oldest.done !== true) slots.delete(oldest.value);
      }
    },
    get size() {
      return slots.size;
    },
  };
}
