import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { systemClock } from '../../src/runtime/system-clock.ts';
import { openRedisStore } from '../../src/stores/redis/open-redis-store.ts';
import type { RedisStoreConfig } from '../../src/policy/types.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { redisStandalone, useRedis } from '../helpers/redis-harness.ts';
import { waitUntil } from '../helpers/wait-for.ts';

/**
 * Issue 13, item 1 for Redis: a Redis whose maxmemory-policy may evict keys with a TTL can
 * drop a spent bucket or a block when memory runs short. The gateway says so at start.
 */
describe('opening a Redis store whose maxmemory-policy can evict enforcement keys', () => {
  // A server of the test's own: the test changes its configuration.
  const redis = useRedis(() => redisStandalone({ useDefault: false }));
  let admin: Redis | undefined;
  after(() => admin?.quit());

  it('logs a warning naming the policy and the fix', async (t) => {
    if (redis.skipped(t)) return;
    admin = new Redis(redis.get().url, { maxRetriesPerRequest: 1 });
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    const { logger, lines } = captureLogger('info');
    const config: RedisStoreConfig = {
      kind: 'redis',
      target: { mode: 'standalone', url: redis.get().url },
      prefix: 'evict',
      seed: undefined,
      seedEnv: undefined,
      timeoutMs: 1000,
      instances: 1,
      auth: undefined,
    };
    const opened = openRedisStore(config, { clock: systemClock, logger });
    try {
      const line = await waitUntil('the maxmemory-policy warning', () =>
        lines.find((l) => l.includes('can evict enforcement keys')),
      );
      const logged = JSON.parse(line) as Record<string, unknown>;
      assert.equal(logged.maxmemoryPolicy, 'allkeys-lru');
      assert.match(String(logged.msg), /noeviction/);
    } finally {
      await opened.close();
    }
  });
});
