/**
 * A bounded queue with one worker that delivers items in order, retrying a failed one with
 * exponential backoff and full jitter (delay = random(0, min(cap, base × 2^attempt)): retries
 * from many gateways spread out instead of hitting a recovering receiver together). `push` is
 * O(1) and never waits: past `capacity` the item is dropped and counted, so a receiver that is
 * down or hangs costs the request path nothing and memory stays bounded.
 */
export type DeliveryResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly retry: boolean; readonly retryAfterMs?: number | undefined };

export interface DeliveryQueueOptions<T> {
  readonly capacity: number;
  /** Retries after the first attempt. */
  readonly retries: number;
  /** One attempt; must not throw (an error is a result with retry). */
  readonly send: (item: T, attempt: number) => Promise<DeliveryResult>;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** A number in [0, 1) for the jitter; default Math.random (tests fix it). */
  readonly random?: () => number;
  /** Called when an item is given up (after its retries, or refused for good). */
  readonly onFailure?: (item: T) => void;
}

export interface DeliveryStats {
  readonly sent: number;
  readonly failed: number;
  readonly dropped: number;
  readonly retried: number;
  readonly queued: number;
}

export interface DeliveryQueue<T> {
  /** Enqueues; false (and counted as dropped) when full or closed. */
  push(item: T): boolean;
  stats(): DeliveryStats;
  /** Resolves when nothing is queued or in flight (tests, a graceful stop). */
  idle(): Promise<void>;
  /** Stops: queued items are dropped (counted), a backoff wait ends, no new attempt starts. */
  close(): void;
}

export function createDeliveryQueue<T>(options: DeliveryQueueOptions<T>): DeliveryQueue<T> {
  const capacity = Math.max(1, options.capacity);
  const base = options.baseDelayMs ?? 250;
  const cap = options.maxDelayMs ?? 30_000;
  const random = options.random ?? Math.random;
  // A ring: O(1) push and shift without Array.prototype.shift's copying.
  const ring: (T | undefined)[] = new Array<T | undefined>(capacity);
  let head = 0;
  let size = 0;
  let sent = 0;
  let failed = 0;
  let dropped = 0;
  let retried = 0;
  let running = false;
  let closed = false;
  let wake: (() => void) | undefined;
  let waiters: (() => void)[] = [];

  function take(): T | undefined {
    if (size === 0) return undefined;
    const item = ring[head];
    ring[head] = undefined;
    head = (head + 1) % capacity;
    size--;
    return item;
  }

  function pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        wake = undefined;
        resolve();
      }, ms);
      // Not unref'd: a retry pending is work to finish; close() ends the wait.
      wake = () => {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
    });
  }

  async function deliver(item: T): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const result = await options.send(item, attempt);
      if (result.ok) {
        sent++;
        return;
      }
      if (!result.retry || attempt >= options.retries || closed) {
        failed++;
        options.onFailure?.(item);
        return;
      }
      retried++;
      const jitter = random() * Math.min(cap, base * 2 ** attempt);
      await pause(Math.min(cap, Math.max(jitter, result.retryAfterMs ?? 0)));
      // close() ended the wait: no new attempt starts; the item is dropped like those queued.
      if (closed) {
        dropped++;
        return;
      }
    }
  }

  async function run(): Promise<void> {
    running = true;
    try {
      for (let item = take(); item !== undefined && !closed; item = take()) await deliver(item);
    } finally {
      running = false;
      const done = waiters;
      waiters = [];
      for (const w of done) w();
    }
  }

  return {
    push(item) {
      if (closed || size >= capacity) {
        dropped++;
        return false;
      }
      ring[(head + size) % capacity] = item;
      size++;
      if (!running) void run();
      return true;
    },
    stats: () => ({ sent, failed, dropped, retried, queued: size }),
    idle: () =>
      running || size > 0 ? new Promise<void>((resolve) => waiters.push(resolve)) : Promise.resolve(),
    close() {
      closed = true;
      dropped += size;
      while (take() !== undefined);
      wake?.();
    },
  };
}
