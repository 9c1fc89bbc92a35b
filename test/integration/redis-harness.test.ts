import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import {
  HOST,
  clusterInfo,
  redisCluster,
  redisCommand,
  redisStandalone,
  useRedis,
  type RedisCluster,
  type RedisStandalone,
} from '../helpers/redis-harness.ts';

/** Whether `port` on loopback can be bound now (the server that held it is gone). */
function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: HOST, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

describe('redis harness, standalone', () => {
  const redis = useRedis(redisStandalone);

  it('answers PING at the url it gives', async (t) => {
    if (redis.skipped(t)) return;
    const { port, url } = redis.get();
    assert.equal(url, `redis://${HOST}:${port}`);
    assert.equal(await redisCommand(port, ['PING']), 'PONG');
  });
});

describe('redis harness, a standalone server of its own', () => {
  // Even when 6379 answers: a spawned server's stop() must free its port.
  const spawned = useRedis(() => redisStandalone({ useDefault: false }));

  it('starts a redis-server on a free port, and stop() frees it', async (t) => {
    if (spawned.skipped(t)) return;
    const server: RedisStandalone = spawned.get();
    assert.notEqual(server.port, 6379);
    assert.equal(await redisCommand(server.port, ['SET', 'harness:k', 'v']), 'OK');
    assert.equal(await redisCommand(server.port, ['GET', 'harness:k']), 'v');
    await server.stop();
    assert.equal(await bindable(server.port), true);
    await server.stop(); // twice is harmless: the after() hook calls it again
  });
});

describe('redis harness, cluster', () => {
  const cluster = useRedis(redisCluster);

  it('comes up with 3 masters covering all 16384 slots', async (t) => {
    if (cluster.skipped(t)) return;
    const { nodes, startedInMs } = cluster.get();
    t.diagnostic(`cluster started in ${startedInMs} ms`); // reported, not bounded: the machine may be loaded
    assert.equal(nodes.length, 3);
    assert.equal(new Set(nodes.map((n) => n.port)).size, 3);
    for (const { port } of nodes) {
      const info = await clusterInfo(port);
      assert.equal(info.cluster_state, 'ok');
      assert.equal(info.cluster_slots_assigned, '16384');
      assert.equal(info.cluster_known_nodes, '3');
      assert.equal(info.cluster_size, '3', 'three masters, each serving slots');
    }
  });

  it('redirects a key to the node that owns its slot', async (t) => {
    if (cluster.skipped(t)) return;
    const { nodes } = cluster.get();
    // {a} and {b} hash to different slots; some node answers MOVED for one of them.
    const replies = await Promise.all(
      nodes.map((n) =>
        redisCommand(n.port, ['SET', '{a}x', '1']).then(
          () => 'ok',
          (e: Error) => e.message,
        ),
      ),
    );
    assert.equal(replies.filter((r) => r === 'ok').length, 1, replies.join(' | '));
    assert.ok(replies.some((r) => r.includes('MOVED')));
  });

  // Last: it stops the shared cluster (after() stopping it again is harmless), which saves
  // starting a second one.
  it('stop() kills every node and frees the ports and bus ports', async (t) => {
    if (cluster.skipped(t)) return;
    const own: RedisCluster = cluster.get();
    await own.stop();
    for (const { port } of own.nodes) {
      assert.equal(await bindable(port), true, `port ${port}`);
      assert.equal(await bindable(port + 10_000), true, `bus port ${port + 10_000}`);
    }
  });
});
