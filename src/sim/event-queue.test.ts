import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createEventQueue } from './event-queue.ts';
import { isEnumguardError } from '../core/errors.ts';

describe('event queue', () => {
  it('pops by time, and equal times in the order they were pushed', () => {
    const q = createEventQueue<string>();
    q.push(5, 'late');
    q.push(1, 'first');
    q.push(3, 'a');
    q.push(3, 'b');
    assert.deepEqual(
      [q.pop(), q.pop(), q.pop(), q.pop(), q.pop()].map((e) => e?.item),
      ['first', 'a', 'b', 'late', undefined],
    );
  });

  it('always pops a sorted, stable sequence (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }), (times) => {
        const q = createEventQueue<number>();
        times.forEach((t, i) => q.push(t, i));
        const out: number[] = [];
        for (let e = q.pop(); e; e = q.pop()) out.push(e.item);
        const expected = times.map((t, i) => ({ t, i })).sort((a, b) => a.t - b.t || a.i - b.i);
        assert.deepEqual(
          out,
          expected.map((e) => e.i),
        );
      }),
    );
  });

  it('refuses a time that is not finite, as an enumguard bug (the runner checks the times agents ask for)', () => {
    assert.throws(
      () => createEventQueue().push(NaN, 1),
      (e: unknown) => isEnumguardError(e, 'ERR_INTERNAL') && /finite time, got NaN/.test(e.message),
    );
  });
});
