import { EnumguardError } from '../core/errors.ts';
import type { StoreAdmin } from './risk-subject.ts';

/**
 * Most milliseconds an admin call (a scan of the risk records, a block, a lift) may take on the
 * shared store. Longer than the request path's bound, since a scan is O(records); short enough
 * that a stalled store answers the operator with 503 rather than leaving the call open.
 */
export const ADMIN_TIMEOUT_MS = 5_000;

/**
 * The resilient store's StoreAdmin: the operator acts on the shared store, each call bounded by
 * `timeoutMs` (a store that stops answering without closing its connection must not hold admin
 * requests for ever); a lift reaches the local fallback too, so signals it kept during an
 * outage do not bring the lifted block back.
 */
export function resilientAdmin(
  primary: StoreAdmin,
  local: StoreAdmin,
  name: string,
  timeoutMs: number = ADMIN_TIMEOUT_MS,
): StoreAdmin {
  function bounded<T>(what: string, pending: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new EnumguardError(
              'ERR_STORE_UNAVAILABLE',
              `store ${name} did not answer the admin call (${what}) within ${timeoutMs} ms`,
            ),
          ),
        timeoutMs,
      );
    });
    // A late answer is dropped; a late rejection must not go unhandled.
    pending.catch(() => undefined);
    return Promise.race([pending, late]).finally(() => clearTimeout(timer));
  }

  return {
    top: (model, limit) => bounded('top', primary.top(model, limit)),
    blocks: (model) => bounded('blocks', primary.blocks(model)),
    block: (model, subject, durationMs) => bounded('block', primary.block(model, subject, durationMs)),
    async lift(model, subject) {
      const [shared, kept] = await Promise.all([
        bounded('lift', primary.lift(model, subject)),
        local.lift(model, subject),
      ]);
      return shared || kept;
    },
  };
}
