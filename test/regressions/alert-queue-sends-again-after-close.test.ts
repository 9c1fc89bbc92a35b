import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waitUntil } from '../helpers/wait-for.ts';
import { createDeliveryQueue, type DeliveryResult } from '../../src/events/delivery-queue.ts';

/**
 * Regression: close() ended a retry's backoff wait early, and the worker then went on to its
 * next attempt: a stopping gateway sent the alert once more (to a receiver that was failing,
 * with the webhook's abort already fired, so it counted as "failed"), though close() promises
 * that no new attempt starts. The item waiting for its retry is now dropped and counted as
 * dropped, like the items still queued.
 */
describe('alert delivery queue closed during a retry backoff', () => {
  it('makes no further attempt and counts the item dropped', async () => {
    let attempts = 0;
    let firstAttempt!: () => void;
    const attempted = new Promise<void>((resolve) => (firstAttempt = resolve));
    const queue = createDeliveryQueue<string>({
      capacity: 4,
      retries: 5,
      // A backoff long enough that only close() can end it.
      baseDelayMs: 3_600_000,
      maxDelayMs: 3_600_000,
      random: () => 0.5,
      send: () => {
        attempts++;
        firstAttempt();
        return Promise.resolve<DeliveryResult>({ ok: false, retry: true });
      },
    });
    queue.push('alert');
    queue.push('next');
    await attempted;
    // The worker counts the retry, then waits out its backoff.
    await waitUntil('the first retry to be scheduled', () => queue.stats().retried === 1);
    queue.close();
    await queue.idle();
    assert.equal(attempts, 1, 'no attempt after close()');
    assert.deepEqual(queue.stats(), { sent: 0, failed: 0, dropped: 2, retried: 1, queued: 0 });
  });
});
