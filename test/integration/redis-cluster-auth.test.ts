import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { openRedisStore, type OpenedRedisStore } from '../../src/stores/redis/open-redis-store.ts';
import type { LimitCheck } from '../../src/core/limit.ts';
import { systemClock } from '../../src/runtime/system-clock.ts';
import { compilePolicy } from '../../src/policy/index.ts';
import type { RedisStoreConfig } from '../../src/policy/types.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { spec } from '../helpers/limit-spec.ts';
import { redisCluster, redisCommand, useRedis } from '../helpers/redis-harness.ts';
import { waitUntil } from '../helpers/wait-for.ts';

/**
 * `server.store.cluster` with `passwordEnv` (and `username`) against a 3-node cluster whose
 * nodes `requirepass`: the gateway's store authenticates to every node, decides multi-slot
 * requests in Redis, and never logs the password; a wrong password is refused by the nodes and
 * the gateway answers by the local fallback instead of crashing.
 */
const password = `pw-${randomBytes(9).toString('hex')}`;

function configFrom(
  nodes: readonly { host: string; port: number }[],
  value: string,
  username = '',
): RedisStoreConfig {
  const policy = compilePolicy(
    [
      'version: 1',
      'server:',
      '  store:',
      `    cluster: [${nodes.map((n) => `"${n.host}:${n.port}"`).join(', ')}]`,
      `    prefix: au${randomUUID().slice(0, 8)}`,
      // Generous: a loaded machine must not turn a slow cluster answer into a local fallback.
      '    timeout: 10s',
      '    passwordEnv: EG_TEST_REDIS_PASSWORD',
      ...(username === '' ? [] : [`    username: ${username}`]),
      'routes: []',
    ].join('\n'),
    { env: { EG_TEST_REDIS_PASSWORD: value } },
  );
  const store = policy.server.store;
  assert.ok(store?.kind === 'redis');
  return store;
}

const perUser = spec('a/user', 'fixed-window', 3, 3_600_000);
const perIp = spec('a/ip', 'fixed-window', 100, 3_600_000);
const request = (user: string): LimitCheck[] => [
  { spec: perUser, key: `a/user:${user}`, cost: 1 },
  { spec: perIp, key: `a/ip:10.0.0.1`, cost: 1 },
];

describe('gateway store on a password-protected Redis Cluster', () => {
  const redis = useRedis(() => redisCluster({ password }));
  const opened: OpenedRedisStore[] = [];
  after(async () => {
    for (const s of opened) await s.close();
  });

  it('refuses a client without AUTH: the nodes require the password', async (t) => {
    if (redis.skipped(t)) return;
    const node = redis.get().nodes[0];
    assert.ok(node !== undefined);
    await assert.rejects(redisCommand(node.port, ['PING']), /NOAUTH/);
  });

  it('authenticates to every node with passwordEnv and decides multi-slot requests in Redis, logging no password', async (t) => {
    if (redis.skipped(t)) return;
    const { logger, lines } = captureLogger('info');
    const gateway = openRedisStore(configFrom(redis.get().nodes, password), { clock: systemClock, logger });
    opened.push(gateway);
    // The heartbeat's first answer: the cluster accepted our AUTH.
    await waitUntil('the first heartbeat', () => gateway.instances().observed === 1);
    // The Cluster opens each node's connection (and its AUTH) on first use, and without an
    // offline queue a call to a node still connecting fails: warm every node up first.
    let i = 0;
    await waitUntil(
      'the cluster to answer a multi-slot request',
      async () => (await gateway.store.consume(request(`warm-${i++}`))).fallback === undefined,
    );
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push(await gateway.store.consume(request('alice')));
    assert.deepEqual(
      outcomes.map((o) => [o.allowed, o.fallback]),
      [
        [true, undefined],
        [true, undefined],
        [true, undefined],
        [false, undefined],
      ],
      'answered by Redis (no fallback), the 4th refused by the per-user limit',
    );
    assert.equal(gateway.summary.auth, 'default user, password from EG_TEST_REDIS_PASSWORD');
    assert.ok(!JSON.stringify(gateway.summary).includes(password));
    assert.ok(lines.length > 0 && !lines.join('').includes(password), 'no log line holds the password');
  });

  it('with a wrong password: no crash, the local fallback answers, and the password is not logged', async (t) => {
    if (redis.skipped(t)) return;
    const wrong = `${password}-wrong`;
    const { logger, lines } = captureLogger('info');
    const gateway = openRedisStore(configFrom(redis.get().nodes, wrong, 'default'), {
      clock: systemClock,
      logger,
    });
    opened.push(gateway);
    await waitUntil('a warning about the refused connection', () =>
      lines.some((l) => l.includes('"level":40')),
    );
    const out = await gateway.store.consume(request('bob'), undefined, { unavailable: 'local' });
    assert.equal(out.allowed, true);
    assert.equal(out.fallback, 'local');
    assert.equal(gateway.instances().observed, undefined, 'no heartbeat got through');
    assert.ok(!lines.join('').includes(wrong), 'no log line holds the password');
  });
});
