import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isEnumguardError } from '../core/errors.ts';
import type { RedisStoreConfig } from '../policy/types.ts';
import { loadRedisAssembly } from './redis-loader.ts';

const standalone: RedisStoreConfig = {
  kind: 'redis',
  target: { mode: 'standalone', url: 'redis://127.0.0.1:6379' },
  prefix: 'eg',
  seed: undefined,
  seedEnv: undefined,
  timeoutMs: 50,
  instances: 'auto',
  auth: undefined,
};
const cluster: RedisStoreConfig = {
  ...standalone,
  target: { mode: 'cluster', nodes: [{ host: '127.0.0.1', port: 7000 }] },
};

/** The error Node's ESM loader throws for a package that is not installed. */
function notFound(pkg: string): Error {
  const err = new Error(
    `Cannot find package '${pkg}' imported from /app/dist/stores/redis/open-redis-store.js`,
  );
  return Object.assign(err, { code: 'ERR_MODULE_NOT_FOUND' });
}

describe('loadRedisAssembly', () => {
  it('loads the Redis half when ioredis is installed', async () => {
    const assembly = await loadRedisAssembly(standalone);
    assert.equal(typeof assembly.openRedisStore, 'function');
  });

  it('says how to install ioredis when it is missing, with the import error as the cause', async () => {
    const missing = notFound('ioredis');
    await assert.rejects(
      loadRedisAssembly(standalone, () => Promise.reject(missing)),
      (err: unknown) => {
        assert.ok(isEnumguardError(err, 'ERR_CONFIG'), String(err));
        assert.equal(
          err.message,
          'server.store.redis needs the optional peer dependency ioredis: npm install ioredis',
        );
        assert.equal(err.cause, missing);
        return true;
      },
    );
  });

  it('names server.store.cluster for a cluster, and knows CommonJS’s missing-module error too', async () => {
    const missing = Object.assign(new Error("Cannot find module 'ioredis'"), { code: 'MODULE_NOT_FOUND' });
    await assert.rejects(
      loadRedisAssembly(cluster, () => Promise.reject(missing)),
      {
        code: 'ERR_CONFIG',
        message: 'server.store.cluster needs the optional peer dependency ioredis: npm install ioredis',
      },
    );
  });

  it('throws any other failure as it is', async () => {
    const other = notFound('ioredis-extra');
    await assert.rejects(
      loadRedisAssembly(standalone, () => Promise.reject(other)),
      (err) => err === other,
    );
    const broken = new SyntaxError('Unexpected token');
    await assert.rejects(
      loadRedisAssembly(standalone, () => Promise.reject(broken)),
      (err) => err === broken,
    );
  });
});
