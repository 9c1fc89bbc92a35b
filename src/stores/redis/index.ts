// Public API of `enumguard/redis`: the Redis/Valkey store (bring your own ioredis client).
export { createRedisStore, type RedisStoreOptions } from './redis-store.ts';
