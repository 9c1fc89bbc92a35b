import { Redis } from 'ioredis';

/** Where the store's own unit tests expect a Redis: the machine's, on the default port. */
export const LOCAL_REDIS_UNREACHABLE = 'Redis is not reachable on 127.0.0.1:6379';

/**
 * A client of the local Redis on 127.0.0.1:6379 that fails fast (no offline queue, no
 * reconnects), or undefined when none answers: tests then skip, except in CI, where the
 * caller must fail (the developers' rule for tests that need Redis).
 */
export async function connectLocalRedis(): Promise<Redis | undefined> {
  const client = new Redis({
    host: '127.0.0.1',
    port: 6379,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return client;
  } catch {
    client.disconnect();
    return undefined;
  }
}
