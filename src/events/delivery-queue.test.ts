import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDeliveryQueue, type DeliveryResult } from './delivery-queue.ts';

describe('createDeliveryQueue', () => {
  it('delivers in order and retries a failure up to `retries` times', async () => {
    const attempts: string[] = [];
    const queue = createDeliveryQueue<string>({
      capacity: 10,
      retries: 2,
      baseDelayMs: 1,
      random: () => 0,
      send: (item, attempt) => {
        attempts.push(`${item}${attempt}`);
        return Promise.resolve<DeliveryResult>(item === 'b' ? { ok: false, retry: true } : { ok: true });
      },
    });
    for (const item of ['a', 'b', 'c']) queue.push(item);
    await queue.idle();
    assert.deepEqual(attempts, ['a0', 'b0', 'b1', 'b2', 'c0']);
    assert.deepEqual(queue.stats(), { sent: 2, failed: 1, dropped: 0, retried: 2, queued: 0 });
  });

  it('does not retry a refusal that will not get better', async () => {
    let calls = 0;
    const queue = createDeliveryQueue<number>({
      capacity: 1,
      retries: 5,
      send: () => {
        calls++;
        return Promise.resolve<DeliveryResult>({ ok: false, retry: false });
      },
    });
    queue.push(1);
    await queue.idle();
    assert.equal(calls, 1);
    assert.equal(queue.stats().failed, 1);
  });

  it('drops and counts past capacity while the receiver hangs, without waiting', () => {
    const queue = createDeliveryQueue<number>({
      capacity: 4,
      retries: 0,
      send: () => new Promise<DeliveryResult>(() => undefined),
    });
    // The first is taken in flight at once; four wait; the rest are dropped.
    for (let i = 0; i < 100; i++) queue.push(i);
    assert.deepEqual(queue.stats(), { sent: 0, failed: 0, dropped: 95, retried: 0, queued: 4 });
    queue.close();
    assert.equal(queue.stats().dropped, 99);
  });

  it('spreads retries with full jitter below the exponential cap', async () => {
    const waits: number[] = [];
    let last = performance.now();
    const queue = createDeliveryQueue<number>({
      capacity: 1,
      retries: 3,
      baseDelayMs: 20,
      random: () => 0.5,
      send: () => {
        const now = performance.now();
        waits.push(now - last);
        last = now;
        return Promise.resolve<DeliveryResult>({ ok: false, retry: true });
      },
    });
    queue.push(1);
    await queue.idle();
    // 0.5 × 20 × 2^attempt: 10, 20, 40 ms at least (timers never fire early).
    assert.equal(waits.length, 4);
    assert.ok((waits[1] ?? 0) >= 9 && (waits[2] ?? 0) >= 19 && (waits[3] ?? 0) >= 39, waits.join(','));
  });
});
