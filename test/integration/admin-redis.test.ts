import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startReferenceService, type RunningReferenceService } from '../../src/reference/http.ts';
import { createPopulation } from '../../src/reference/population/population.ts';
import { startAdminGateway, type AdminGateway } from '../helpers/admin-gateway.ts';
import { redisStandalone, useRedis } from '../helpers/redis-harness.ts';

/**
 * Issue 14: on Redis, a block is the store's, not a gateway's. Two gateways share one Redis;
 * an operator blocks a network on one, and the other refuses it; the block lifted on the
 * second gateway is lifted on the first too, and both list the same blocks.
 */
describe('admin blocks on two gateways sharing a Redis', () => {
  const redis = useRedis(() => redisStandalone());
  const open: AdminGateway[] = [];
  let service: RunningReferenceService | undefined;
  after(async () => {
    await Promise.all(open.map((g) => g.close()));
    await service?.close();
  });

  it('a block set on one gateway holds on the other, and a lift on the other ends it on both', async (t) => {
    if (redis.skipped(t)) return;
    service = await startReferenceService({
      population: createPopulation({ seed: 31, accounts: 20_000 }),
      port: 0,
    });
    const prefix = `egadmin-${randomUUID()}`;
    const server = `server:\n  store:\n    redis: ${redis.get().url}\n    prefix: ${prefix}\n  admin: { listen: "127.0.0.1:0" }\n`;
    const a = await startAdminGateway(server, { service, instance: 'gw-a' });
    open.push(a);
    const b = await startAdminGateway(server, { service, instance: 'gw-b' });
    open.push(b);
    const json = { 'content-type': 'application/json' };
    const subject = { kind: 'network', prefix: '127.0.0.0/24' };
    // Registration is anonymous: the caller is scored by its network alone. (An account's own
    // lookups can be spared its network's score: pipeline accounts, spareNetwork.)
    let n = 200;
    const lookup = async (g: AdminGateway): Promise<number> => {
      const res = await fetch(`${g.base}/v1/accounts`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ number: `+4477009${String(n++).padStart(5, '0')}` }),
      });
      await res.arrayBuffer();
      return res.status;
    };
    assert.deepEqual([await lookup(a), await lookup(b)], [201, 201]);

    const block = await a.call('/admin/v1/blocks', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ subject, duration: '1h' }),
    });
    assert.equal(block.status, 201);
    assert.equal(await lookup(b), 403, 'the other gateway refuses the blocked network');
    const listed = (await (await b.call('/admin/v1/blocks')).json()) as { blocks: { subject: unknown }[] };
    assert.deepEqual(
      listed.blocks.map((e) => e.subject),
      [subject],
    );

    const lift = await b.call('/admin/v1/blocks/lift', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ subject }),
    });
    assert.equal(lift.status, 200);
    assert.deepEqual([await lookup(a), await lookup(b)], [201, 201]);
    const left = (await (await a.call('/admin/v1/blocks')).json()) as { blocks: unknown[] };
    assert.deepEqual(left.blocks, []);
    const status = (await (await a.call('/admin/v1/status')).json()) as {
      store: { kind: string; healthy: boolean };
    };
    assert.deepEqual(status.store, { ...status.store, kind: 'redis', healthy: true });
  });
});
