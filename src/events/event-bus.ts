import type { Clock } from '../core/clock.ts';
import type { EnumguardEvent, EventBus, EventInput, EventType } from './event-types.ts';

export interface EventBusOptions {
  readonly clock: Clock;
  /** This gateway instance's name, stamped on every event. */
  readonly instance: string;
  /** How many of the last events stay queryable (default 1,000). */
  readonly keep?: number;
  /** Called when a listener throws: the bus keeps going, the error is reported once per listener. */
  readonly onListenerError?: (err: unknown) => void;
}

/**
 * The in-process event bus: stamps each event, keeps the last `keep` in a ring, and hands it to
 * the listeners synchronously. Listeners must be cheap and must not block (an alert sink only
 * enqueues: src/events/ sinks own their bounded queues and count what they drop); a listener
 * that throws is reported and does not stop the others or the request that emitted.
 */
export function createEventBus(options: EventBusOptions): EventBus {
  const keep = Math.max(1, options.keep ?? 1_000);
  const ring: (EnumguardEvent | undefined)[] = new Array<EnumguardEvent | undefined>(keep);
  let next = 0;
  let emitted = 0;
  let dropped = 0;
  const listeners = new Set<(event: EnumguardEvent) => void>();
  const failed = new WeakSet<(event: EnumguardEvent) => void>();

  function emit(input: EventInput): void {
    emitted++;
    const event = {
      ...input,
      id: `${options.instance}-${emitted}`,
      instance: options.instance,
      at: input.at ?? options.clock.now(),
    } as EnumguardEvent;
    ring[next] = event;
    next = (next + 1) % keep;
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (err) {
        dropped++;
        if (!failed.has(listener)) {
          failed.add(listener);
          options.onListenerError?.(err);
        }
      }
    }
  }

  function recent(limit: number, types?: readonly EventType[]): readonly EnumguardEvent[] {
    const out: EnumguardEvent[] = [];
    const wanted = types === undefined || types.length === 0 ? undefined : new Set(types);
    for (let i = 1; i <= keep && out.length < limit; i++) {
      const e = ring[(next - i + keep) % keep];
      if (e === undefined) break;
      if (wanted === undefined || wanted.has(e.type)) out.push(e);
    }
    return out.reverse();
  }

  return {
    emit,
    recent,
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    stats: () => ({ emitted, dropped, kept: Math.min(emitted, keep) }),
  };
}
