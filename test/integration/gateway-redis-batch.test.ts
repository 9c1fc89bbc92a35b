import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { openRedisStore, type OpenedRedisStore } from '../../src/stores/redis/open-redis-store.ts';
import type { LimitCheck } from '../../src/core/limit.ts';
import { systemClock } from '../../src/runtime/system-clock.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { spec } from '../helpers/limit-spec.ts';
import { redisStandalone, useRedis } from '../helpers/redis-harness.ts';
import { gate, waitUntil, withDeadline } from '../helpers/wait-for.ts';

/**
 * Script calls the gateway's client sends, seen by MONITOR, for keys under `prefix`. MONITOR
 * lines trail the replies, so `settle()` sends a marker after them and waits for its line:
 * Redis runs commands one at a time and MONITOR reports them in that order, so every call made
 * before the marker has been counted once its line is in.
 */
async function watchCalls(
  url: string,
  prefix: string,
): Promise<{ calls: () => number; settle(): Promise<void>; stop(): void }> {
  const client = new Redis(url);
  const monitor = await client.monitor();
  const marker = `${prefix}:marker`;
  const markerSeen = gate();
  let calls = 0;
  monitor.on('monitor', (_time: string, args: string[]) => {
    if (args.includes(marker)) markerSeen.open();
    else if (/^evalsha$/i.test(args[0] ?? '') && args.some((a) => a.startsWith(`${prefix}:`))) calls++;
  });
  return {
    calls: () => calls,
    async settle() {
      await client.echo(marker);
      await withDeadline('MONITOR to report the marker sent after the script calls', markerSeen.opened);
    },
    stop: () => {
      monitor.disconnect();
      client.disconnect();
    },
  };
}

describe('gateway store on standalone Redis: batching', () => {
  const redis = useRedis(() => redisStandalone());
  let opened: OpenedRedisStore | undefined;
  after(() => opened?.close());

  it('decides the requests of one event-loop turn in one script call, each on its own', async (t) => {
    if (redis.skipped(t)) return;
    const prefix = `gb${randomUUID().slice(0, 8)}`;
    const { url } = redis.get();
    opened = openRedisStore(
      {
        kind: 'redis',
        target: { mode: 'standalone', url },
        prefix,
        seed: undefined,
        seedEnv: undefined,
        timeoutMs: 10_000, // generous: this test is about batching, not the timeout
        instances: 1,
        auth: undefined,
      },
      { clock: systemClock, logger: captureLogger('warn').logger },
    );
    const store = opened.store;
    const limit = spec('batch/three', 'fixed-window', 3, 60_000);
    const one = (key: string): LimitCheck[] => [{ spec: limit, key, cost: 1 }];
    // Connected and the script loaded before counting (the gateway does not await connect()).
    await waitUntil('the gateway store to reach Redis', async () => {
      const out = await store.consume(one('warm'));
      return out.fallback === undefined;
    });
    const watch = await watchCalls(url, prefix);
    try {
      const answers = await Promise.all(
        Array.from({ length: 20 }, async (_, i) =>
          store.consume(one(i < 5 ? 'same' : `k${i}`), undefined, { unavailable: 'deny' }),
        ),
      );
      await watch.settle();
      assert.deepEqual(
        answers.map((a) => a.allowed),
        [true, true, true, false, false, ...Array<boolean>(15).fill(true)],
        'each request decided on its own, in issue order: 3 of the 5 on one key allowed',
      );
      assert.equal(watch.calls(), 1, 'twenty decisions of one turn in one EVALSHA');
    } finally {
      watch.stop();
      await store.clear();
    }
  });
});
