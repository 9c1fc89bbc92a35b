import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { startGateway } from '../../src/cli/start-gateway.ts';
import { startEchoUpstream } from '../helpers/echo-upstream.ts';
import { redisStandalone, useRedis } from '../helpers/redis-harness.ts';
import { waitUntil } from '../helpers/wait-for.ts';

/**
 * alerts.redisStream on a real Redis: the gateway's events land in the stream with their
 * type, id and JSON, and `XADD … MAXLEN ~` keeps the stream near its bound however many
 * events pass (Redis trims whole nodes of stream-node-max-entries, 100 by default).
 */
const dir = mkdtempSync(join(tmpdir(), 'enumguard-stream-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('alerts to a Redis stream', () => {
  const redis = useRedis(() => redisStandalone());

  it('appends refusals as they happen and stays trimmed near maxLen over 5,000 events', async (t) => {
    if (redis.skipped(t)) return;
    const { url } = redis.get();
    const key = `eg-test-stream:${randomUUID()}`;
    const upstream = await startEchoUpstream();
    const path = join(dir, 'stream.yaml');
    writeFileSync(
      path,
      `version: 1
upstream: ${upstream.url}
server:
  store: { redis: "${url}", prefix: "eg-${randomUUID().slice(0, 8)}" }
routes:
  - id: lookup
    match: { path: /lookup }
    auth: none
    limits:
      - { key: ip, rate: 1/1h }
alerts:
  redisStream: { key: "${key}", maxLen: 300, events: [refusal, admin-action] }
`,
    );
    const client = new Redis(url, { maxRetriesPerRequest: 1 });
    const running = await startGateway({
      policyPath: path,
      port: 0,
      host: '127.0.0.1',
      logger: pino({ level: 'silent' }),
      watch: false,
    });
    try {
      const base = `http://127.0.0.1:${running.address.port}`;
      // The first answers may come from the local fallback while the client connects.
      await waitUntil('a refusal', async () => (await fetch(`${base}/lookup`)).status === 429);
      const first = await waitUntil('the refusal in the stream', async () => {
        const entries = await client.xrange(key, '-', '+');
        return entries.find(([, fields]) => fields[1] === 'refusal');
      });
      const fields = first[1];
      assert.deepEqual([fields[0], fields[2], fields[4], fields[6]], ['type', 'id', 'at', 'event']);
      const event = JSON.parse(fields[7] ?? '{}') as Record<string, unknown>;
      assert.deepEqual(
        [event.type, event.reason, event.status, event.prefix],
        ['refusal', 'quota-exceeded', 429, '127.0.0.0/24'],
      );

      // Through the gateway's own bus: what the admin API's actions will emit too.
      for (let i = 0; i < 5_000; i++)
        running.events.emit({ type: 'admin-action', action: 'test', detail: `n${i}` });
      await running.alerts?.idle();
      const stats = running.alerts?.stats().find((s) => s.sink === 'redisStream');
      assert.equal(stats?.sent, 5_001);
      assert.equal(stats?.dropped, 0, 'a queue of 10,000 holds a burst of 5,000');
      const length = await client.xlen(key);
      assert.ok(length >= 300 && length < 300 + 200, `XLEN ${length}: trimmed near 300`);
      const [last] = await client.xrevrange(key, '+', '-', 'COUNT', 1);
      assert.match(last?.[1][7] ?? '', /"detail":"n4999"/);
    } finally {
      await running.stop(100);
      await client.del(key);
      client.disconnect();
      await upstream.close();
    }
  });
});
