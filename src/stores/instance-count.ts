import { EnumguardError } from '../core/errors.ts';
import type { HeartbeatLogger } from './instance-heartbeat.ts';

/** `server.store.instances`: a fixed number of gateways, or `auto`: as many as heartbeat on the Redis. */
export type InstancesSetting = number | 'auto';

export interface InstanceCount {
  /** The divisor of the local fallback's share: at least 1. */
  readonly current: () => number;
  /** The live count the heartbeat observed (instance-heartbeat.ts onCount). */
  readonly observe: (count: number, previous: number | undefined) => void;
  /** The last observed live count, undefined before the first. */
  readonly observed: () => number | undefined;
}

/**
 * The rule that turns the setting and the heartbeat's observations into the share's divisor:
 *
 * - `auto` (the default): the last observed live count. Before the first beat answers (Redis
 *   down at startup) it is 1: this instance alone, the whole limit, since it knows of no other.
 *   After Redis goes down the last count stays: the gateways that were up fall back together.
 * - a number: the operator's number wins (they may know of instances about to start, or of
 *   gateways on another prefix), and a warning says so each time the observed count changes
 *   to a value other than it; an info line when they agree again.
 */
export function createInstanceCount(setting: InstancesSetting, logger?: HeartbeatLogger): InstanceCount {
  if (setting !== 'auto' && (!Number.isSafeInteger(setting) || setting < 1)) {
    throw new EnumguardError(
      'ERR_CONFIG',
      `instances must be a positive integer or "auto", got ${String(setting)}`,
    );
  }
  let last: number | undefined;
  return {
    current: () => (setting === 'auto' ? Math.max(1, last ?? 1) : setting),
    observed: () => last,
    observe: (count, previous) => {
      last = count;
      if (setting === 'auto') {
        logger?.info(
          { instances: count, previous },
          `${count} gateway instance(s) share the store; the local fallback enforces limit ÷ ${count}`,
        );
      } else if (count !== setting) {
        logger?.warn(
          { configured: setting, observed: count, previous },
          `server.store.instances is ${setting} but ${count} gateway instance(s) heartbeat on the store; ` +
            `the local fallback keeps limit ÷ ${setting} (set instances: auto to follow the observed count)`,
        );
      } else if (previous !== undefined) {
        logger?.info(
          { instances: count },
          `the observed gateway instances agree with server.store.instances again`,
        );
      }
    },
  };
}
