import { after, describe } from 'node:test';
import { randomUUID } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { manualClock } from '../../src/core/clock.ts';
import { createRedisStore, type RedisStoreOptions } from '../../src/stores/redis/index.ts';
import { describeStoreContract } from '../../src/testing/index.ts';
import { redisCluster, redisStandalone, useRedis } from '../helpers/redis-harness.ts';

/**
 * The one Store contract (DESIGN.md, convention 4) against Redis standalone and a 3-node Redis
 * Cluster started on loopback. The store's clock is the test's manual clock (the test-only
 * `time` option) so the cases can move time; production reads Redis TIME. Each case gets its
 * own key prefix, so a developer's own Redis on 6379 is never touched outside it.
 */
/** The contract on standalone Redis, for a store made with `options` (batching or not). */
function standalone(name: string, options: Pick<RedisStoreOptions, 'batch'>): void {
  describe(name, () => {
    const redis = useRedis(() => redisStandalone());
    let client: Redis | undefined;
    after(() => client?.quit());
    describeStoreContract(name, ({ startMs, t }) => {
      if (redis.skipped(t)) return Promise.resolve(undefined);
      const { host, port } = redis.get();
      client ??= new Redis({ host, port, lazyConnect: false, maxRetriesPerRequest: 1 });
      const clock = manualClock(startMs);
      const store = createRedisStore({
        client,
        prefix: `t${randomUUID()}`,
        time: () => clock.now(),
        ...options,
      });
      const close = async () => {
        await store.clear();
        await store.close();
      };
      return Promise.resolve({ store, advance: (ms: number) => clock.advance(ms), close });
    });
  });
}

standalone('redis standalone', {});
// The gateway's own configuration: same-turn batching (batch.ts), risk lookups included.
standalone('redis standalone, batched', { batch: { maxDelayMs: 0, maxSize: 64 } });

describe('redis cluster', () => {
  const redis = useRedis(() => redisCluster());
  let client: Cluster | undefined;
  after(() => client?.quit());
  describeStoreContract('redis cluster', ({ startMs, t }) => {
    if (redis.skipped(t)) return Promise.resolve(undefined);
    client ??= new Cluster([...redis.get().nodes], { redisOptions: { maxRetriesPerRequest: 1 } });
    const clock = manualClock(startMs);
    const store = createRedisStore({ client, prefix: `t${randomUUID()}`, time: () => clock.now() });
    const close = async () => {
      await store.clear();
      await store.close();
    };
    return Promise.resolve({ store, advance: (ms: number) => clock.advance(ms), close });
  });
});
