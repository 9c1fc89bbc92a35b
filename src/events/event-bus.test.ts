import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { manualClock } from '../core/clock.ts';
import { createEventBus } from './event-bus.ts';
import type { EnumguardEvent } from './event-types.ts';

const refusal = (reason: string) => ({ type: 'refusal', route: 'discover', reason, status: 429 }) as const;

describe('createEventBus', () => {
  it('stamps id, instance and time, and hands each event to every listener', () => {
    const clock = manualClock(1_000);
    const bus = createEventBus({ clock, instance: 'gw1' });
    const seen: EnumguardEvent[] = [];
    bus.subscribe((e) => seen.push(e));
    bus.emit(refusal('rate-limited'));
    assert.equal(seen.length, 1);
    assert.deepEqual(
      { id: seen[0]?.id, instance: seen[0]?.instance, at: seen[0]?.at },
      { id: 'gw1-1', instance: 'gw1', at: 1_000 },
    );
  });

  it('keeps only the last `keep` events, newest last, and filters by type', () => {
    const bus = createEventBus({ clock: manualClock(0), instance: 'gw', keep: 3 });
    for (let i = 0; i < 5; i++) bus.emit(refusal(`r${i}`));
    bus.emit({ type: 'admin-action', action: 'block', detail: 'x' });
    const last = bus.recent(10).map((e) => (e.type === 'refusal' ? e.reason : e.type));
    assert.deepEqual(last, ['r3', 'r4', 'admin-action']);
    assert.deepEqual(
      bus.recent(10, ['refusal']).map((e) => e.id),
      ['gw-4', 'gw-5'],
    );
    assert.deepEqual(bus.stats(), { emitted: 6, dropped: 0, kept: 3 });
  });

  it('a listener that throws is reported once and does not stop the others', () => {
    const errors: unknown[] = [];
    const bus = createEventBus({
      clock: manualClock(0),
      instance: 'gw',
      onListenerError: (e) => errors.push(e),
    });
    let calls = 0;
    bus.subscribe(() => {
      throw new Error('boom');
    });
    const off = bus.subscribe(() => calls++);
    bus.emit(refusal('a'));
    bus.emit(refusal('b'));
    off();
    bus.emit(refusal('c'));
    assert.equal(calls, 2);
    assert.equal(errors.length, 1);
    assert.equal(bus.stats().dropped, 3);
  });
});
