import { EnumguardError } from './errors.ts';

/**
 * Time enters the engine only through a Clock, so the same code runs live (wall clock)
 * and in simulation (virtual time). Milliseconds since the Unix epoch, possibly fractional.
 */
export interface Clock {
  now(): number;
}

/** A clock moved by hand: tests and the simulator advance it explicitly. */
export interface ManualClock extends Clock {
  /** Moves time forward by `ms` (must be >= 0). */
  advance(ms: number): void;
  /** Jumps to an absolute time; going backwards is allowed, to test clock skew. */
  set(ms: number): void;
}

export function manualClock(startMs = 0): ManualClock {
  let t = startMs;
  return {
    now: () => t,
    advance(ms: number) {
      if (!(ms >= 0)) {
        throw new EnumguardError('ERR_CONFIG', `advance() needs a non-negative number of ms, got ${ms}`);
      }
      t += ms;
    },
    set(ms: number) {
      t = ms;
    },
  };
}
