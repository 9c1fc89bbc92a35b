import { after, describe } from 'node:test';
import { randomUUID } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { manualClock } from '../../src/core/clock.ts';
import { createRedisStore } from '../../src/stores/redis/index.ts';
import { storeContract } from '../../src/stores/store-contract.ts';
import { redisCluster, redisStandalone, useRedis } from '../helpers/redis-harness.ts';

/**
 * The one Store contract (DESIGN.md, convention 4) against Redis standalone and a 3-node Redis
 * Cluster started on loopback. The store's clock is the test's manual clock (the test-only
 * `time` option) so the cases can move time; production reads Redis TIME. Each case gets its
 * own key prefix, so a developer's own Redis on 6379 is never touched outside it.
 */
describe('redis standalone', () => {
  const redis = useRedis(() => redisStandalone());
  let client: Redis | undefined;
  after(() => client?.quit());
  storeContract('redis standalone', ({ startMs, t }) => {
    if (redis.skipped(t)) return Promise.resolve(undefined);
    const { host, port } = redis.get();
    client ??= new Redis({ host, port, lazyConnect: false, maxRetriesPerRequest: 1 });
    const clock = manualClock(startMs);
    const store = createRedisStore({ client, prefix: `t${randomUUID()}`, time: () => clock.now() });
    const close = async () => {
      await store.clear();
      await store.close();
    };
    return Promise.resolve({ store, advance: (ms: number) => clock.advance(ms), close });
  });
});

// The gateway's own configuration: same-turn batching (batch.ts), risk lookups included.
describe('redis standalone, batched', () => {
  const redis = useRedis(() => redisStandalone());
  let client: Redis | undefined;
  after(() => client?.quit());
  storeContract('redis standalone, batched', ({ startMs, t }) => {
    if (redis.skipped(t)) return Promise.resolve(undefined);
    const { host, port } = redis.get();
    client ??= new Redis({ host, port, lazyConnect: false, maxRetriesPerRequest: 1 });
    const clock = manualClock(startMs);
    const store = createRedisStore({
      client,
      prefix: `t${randomUUID()}`,
      time: () => clock.now(),
      batch: { maxDelayMs: 0, maxSize: 64 },
    });
    const close = async () => {
      await store.clear();
      await store.close();
    };
    return Promise.resolve({ store, advance: (ms: number) => clock.advance(ms), close });
  });
});

describe('redis cluster', () => {
  const redis = useRedis(() => redisCluster());
  let client: Cluster | undefined;
  after(() => client?.quit());
  storeContract('redis cluster', ({ startMs, t }) => {
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
