import type { PolicyStoreLogger } from '../policy-store-types.ts';

/** What the check needs of an ioredis client or cluster node: CONFIG GET. */
export interface ConfigReader {
  config(subcommand: 'GET', parameter: string): Promise<unknown>;
}

/**
 * True when Redis, short of memory, may evict the store's keys. Every enforcement key has a
 * TTL (PEXPIRE in the scripts), so `volatile-*` policies can pick them as readily as the
 * `allkeys-*` ones; only `noeviction` refuses writes instead (issue 13, item 1: an evicted
 * spent bucket, remembered target set or block is budget handed back to the attacker).
 */
export function canEvictEnforcementKeys(policy: string): boolean {
  return policy.startsWith('allkeys-') || policy.startsWith('volatile-');
}

/** `CONFIG GET x` answers [name, value] (RESP2) or { name: value } (RESP3); the value, or undefined. */
function configValue(reply: unknown, name: string): string | undefined {
  if (Array.isArray(reply)) {
    const at = reply.findIndex((x) => String(x).toLowerCase() === name);
    return at >= 0 && at + 1 < reply.length ? String(reply[at + 1]) : undefined;
  }
  if (reply !== null && typeof reply === 'object') {
    const value = (reply as Record<string, unknown>)[name];
    return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  }
  return undefined;
}

/**
 * Reads `maxmemory-policy` (and `maxmemory`) from each node and warns about any that may
 * evict enforcement keys, with the fix. A Redis that refuses CONFIG (managed services often
 * rename or forbid it) gets a warning to check the setting by hand. Never throws: a store
 * that cannot be checked still starts.
 */
export async function warnIfEvictionPolicyUnsafe(
  nodes: readonly { readonly name: string; readonly client: ConfigReader }[],
  logger: PolicyStoreLogger,
): Promise<void> {
  for (const { name, client } of nodes) {
    let policy: string | undefined;
    let maxmemory: string | undefined;
    try {
      policy = configValue(await client.config('GET', 'maxmemory-policy'), 'maxmemory-policy');
      maxmemory = configValue(await client.config('GET', 'maxmemory'), 'maxmemory');
    } catch (err) {
      logger.warn(
        { redis: name, error: err instanceof Error ? err.message : String(err) },
        'could not read maxmemory-policy (CONFIG GET refused); make sure it is noeviction, or Redis may evict spent limits and blocks when memory runs short',
      );
      continue;
    }
    if (policy === undefined || !canEvictEnforcementKeys(policy)) continue;
    logger.warn(
      { redis: name, maxmemoryPolicy: policy, maxmemory },
      `redis maxmemory-policy ${policy} can evict enforcement keys (they all have TTLs): a spent limit, remembered targets or a block evicted is budget handed back. Fix: CONFIG SET maxmemory-policy noeviction (and in redis.conf), with maxmemory sized for the keys, or a Redis of its own for enforcement`,
    );
  }
}
