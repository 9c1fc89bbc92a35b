import type { Clock } from '../core/clock.ts';
import { EnumguardError } from '../core/errors.ts';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  readonly clock: Clock;
  /** Errors or timeouts within `windowMs` that open the circuit (default 5). */
  readonly failures?: number;
  /** The window the failures are counted in (default 10 s). */
  readonly windowMs?: number;
  /** How long the circuit stays open before one probe is let through (default 2 s). */
  readonly openMs?: number;
  /** Called on every transition, after it happened. */
  readonly onStateChange?: (state: BreakerState, previous: BreakerState) => void;
}

/**
 * A ticket to call the primary: the breaker's epoch when it was granted. Results reported with
 * the ticket of an earlier epoch (a call that was in flight when the circuit opened, closed or
 * went half-open) change nothing, so a straggler cannot close a circuit a probe re-opened.
 */
export type Ticket = number;

export interface CircuitBreaker {
  /** The state now; an open circuit whose `openMs` has passed turns half-open here. */
  state(): BreakerState;
  /**
   * May a call go to the primary? Closed: always. Half-open: one probe at a time. Open: no.
   * Every granted ticket must be answered with success, failure or release.
   */
  acquire(): Ticket | undefined;
  success(ticket: Ticket): void;
  failure(ticket: Ticket): void;
  /** The call ended with no verdict on the primary (a bad argument): a probe may go again. */
  release(ticket: Ticket): void;
}

/**
 * closed → open after `failures` failures within `windowMs` → half-open after `openMs`, when a
 * single probe goes to the primary: its success closes the circuit, its failure re-opens it.
 * Time is the injected Clock and transitions happen lazily on the next call, so no timer runs
 * and tests move time by hand.
 */
export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  const { clock, onStateChange } = options;
  const failures = positiveInt('breaker.failures', options.failures ?? 5);
  const windowMs = positiveNumber('breaker.windowMs', options.windowMs ?? 10_000);
  const openMs = positiveNumber('breaker.openMs', options.openMs ?? 2_000);
  // The times of the last `failures` failures, a ring: `next` is the oldest once it is full.
  const times = new Float64Array(failures);
  let next = 0;
  let count = 0;
  let state: BreakerState = 'closed';
  let epoch = 0;
  let openedAt = 0;
  let probing = false;

  function move(to: BreakerState): void {
    const from = state;
    state = to;
    epoch++;
    probing = false;
    count = 0;
    next = 0;
    if (to === 'open') openedAt = clock.now();
    onStateChange?.(to, from);
  }

  function current(): BreakerState {
    if (state === 'open' && clock.now() - openedAt >= openMs) move('half-open');
    return state;
  }

  return {
    state: current,
    acquire() {
      const s = current();
      if (s === 'closed') return epoch;
      if (s === 'open' || probing) return undefined;
      probing = true;
      return epoch;
    },
    success(ticket) {
      if (ticket !== epoch) return;
      if (state === 'half-open') move('closed');
    },
    failure(ticket) {
      if (ticket !== epoch) return;
      if (state === 'half-open') {
        move('open');
        return;
      }
      if (state !== 'closed') return;
      const now = clock.now();
      times[next] = now;
      next = (next + 1) % failures;
      if (count < failures) count++;
      // Full ring: `next` now points at the oldest of the last `failures` failures.
      if (count === failures && now - (times[next] as number) < windowMs) move('open');
    },
    release(ticket) {
      if (ticket === epoch && state === 'half-open') probing = false;
    },
  };
}

function positiveInt(name: string, v: number): number {
  if (!Number.isSafeInteger(v) || v < 1) {
    throw new EnumguardError('ERR_CONFIG', `${name} must be a positive integer, got ${v}`);
  }
  return v;
}

function positiveNumber(name: string, v: number): number {
  if (!Number.isFinite(v) || v <= 0) {
    throw new EnumguardError('ERR_CONFIG', `${name} must be a positive number, got ${v}`);
  }
  return v;
}
