import { EnumguardError } from '../core/errors.ts';
import type { RedisStoreConfig } from '../policy/types.ts';
// Types only, erased at run time: the module itself is imported below, on demand.
import type * as OpenRedisStoreModule from './redis/open-redis-store.ts';

/** The Redis half of store assembly: the module that imports ioredis. */
export type RedisAssembly = typeof OpenRedisStoreModule;

/** How the Redis half is imported; tests pass one that fails as a missing package would. */
export type RedisAssemblyImporter = () => Promise<RedisAssembly>;

// A dynamic import, so that neither the root entry nor the gateway's start loads ioredis, an
// optional peer dependency, unless the policy names a Redis.
const importRedisAssembly: RedisAssemblyImporter = () => import('./redis/open-redis-store.ts');

/**
 * Imports the Redis half of store assembly for `config`. When ioredis is not installed the
 * import fails with Node's "Cannot find package 'ioredis'"; that becomes an ERR_CONFIG saying
 * which policy key needs it and how to install it. Any other failure is thrown as it is.
 */
export async function loadRedisAssembly(
  config: RedisStoreConfig,
  importer: RedisAssemblyImporter = importRedisAssembly,
): Promise<RedisAssembly> {
  try {
    return await importer();
  } catch (err) {
    if (!isMissingIoredis(err)) throw err;
    const key = config.target.mode === 'cluster' ? 'server.store.cluster' : 'server.store.redis';
    throw new EnumguardError(
      'ERR_CONFIG',
      `${key} needs the optional peer dependency ioredis: npm install ioredis`,
      { cause: err },
    );
  }
}

/** Node's error for an unresolvable package, naming ioredis (ESM import or CommonJS require). */
function isMissingIoredis(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as NodeJS.ErrnoException).code;
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    /(?:package|module) 'ioredis'/.test(err.message)
  );
}
