import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SILENT_LOGGER, type PolicyStoreLogger } from '../policy-store-types.ts';
import { canEvictEnforcementKeys, warnIfEvictionPolicyUnsafe, type ConfigReader } from './eviction-policy.ts';

function recorder() {
  const warnings: { obj: Record<string, unknown>; msg: string }[] = [];
  const logger: PolicyStoreLogger = {
    ...SILENT_LOGGER,
    warn: (obj, msg) => void warnings.push({ obj: obj as Record<string, unknown>, msg }),
  };
  return { logger, warnings };
}

const reading = (settings: Record<string, string>, resp3 = false): ConfigReader => ({
  config: (_get, name) =>
    Promise.resolve(resp3 ? { [name]: settings[name] } : [name, settings[name] as string]),
});

describe('the Redis maxmemory-policy check', () => {
  it('names every policy that can evict keys with a TTL, and only those', () => {
    const evicting = [
      'allkeys-lru',
      'allkeys-lfu',
      'allkeys-random',
      'volatile-lru',
      'volatile-lfu',
      'volatile-random',
      'volatile-ttl',
    ];
    for (const policy of evicting) assert.equal(canEvictEnforcementKeys(policy), true, policy);
    assert.equal(canEvictEnforcementKeys('noeviction'), false);
  });

  it('warns with the fix for an evicting node, in RESP2 and RESP3 replies', async () => {
    for (const resp3 of [false, true]) {
      const { logger, warnings } = recorder();
      const nodes = [
        { name: 'a:1', client: reading({ 'maxmemory-policy': 'noeviction', maxmemory: '0' }, resp3) },
        { name: 'b:2', client: reading({ 'maxmemory-policy': 'volatile-ttl', maxmemory: '1048576' }, resp3) },
      ];
      await warnIfEvictionPolicyUnsafe(nodes, logger);
      assert.equal(warnings.length, 1);
      assert.deepEqual(warnings[0]?.obj, {
        redis: 'b:2',
        maxmemoryPolicy: 'volatile-ttl',
        maxmemory: '1048576',
      });
      assert.match(warnings[0]?.msg ?? '', /CONFIG SET maxmemory-policy noeviction/);
    }
  });

  it('asks for a manual check when CONFIG is refused, and does not throw', async () => {
    const { logger, warnings } = recorder();
    const refusing: ConfigReader = {
      config: () => Promise.reject(new Error("ERR unknown command 'CONFIG'")),
    };
    await warnIfEvictionPolicyUnsafe([{ name: 'managed:6379', client: refusing }], logger);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]?.msg ?? '', /make sure it is noeviction/);
  });
});
