import type { Clock } from '../../core/clock.ts';
import type { PipelineLogger } from '../logger.ts';

/** The pipeline logs a request it denies because the store is unavailable at most this often. */
const STORE_DENY_LOG_MS = 10_000;

export interface StoreOutageLog {
  /** Notes one request denied because the store failed with `err`. */
  denied(err: unknown, route: string, store: string): void;
}

/**
 * Once per STORE_DENY_LOG_MS at most: a deny route answers every request 503 during an
 * outage, and a line per request would flood the log the outage must be read from (the
 * resilient store logs the outage itself and its state changes).
 */
export function createStoreOutageLog(clock: Clock, logger: PipelineLogger | undefined): StoreOutageLog {
  let lastLine = -Infinity;
  let deniedSinceLastLine = 0;
  return {
    denied(err, route, store) {
      const now = clock.now();
      if (now - lastLine >= STORE_DENY_LOG_MS) {
        logger?.error({ err, route, store, deniedSinceLastLine }, 'store unavailable; denying');
        lastLine = now;
        deniedSinceLastLine = 0;
      } else deniedSinceLastLine++;
    },
  };
}
