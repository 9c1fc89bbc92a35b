import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import { manualClock } from '../../src/core/clock.ts';
import { enumguard as expressGuard } from '../../src/adapters/express/index.ts';
import { enumguard as fastifyGuard } from '../../src/adapters/fastify/index.ts';
import { enumguard as honoGuard } from '../../src/adapters/hono/index.ts';
import { enumguard as nodeGuard } from '../../src/adapters/node/index.ts';
import { compilePolicy } from '../../src/policy/index.ts';
import { createMemoryStore } from '../../src/stores/memory-store.ts';

/**
 * Every adapter honours the admission's ResponsePlan: the lookup route strips photo/about
 * for fresh accounts and withholds an answer whose own hit ratio reveals a scan. A fake
 * lookup service reveals a contact for every registered number.
 */
const POLICY = `version: 1
unmatched: allow
risk:
  identity: { header: authorization }
  layers: { identity: 1, ipPrefix: 0.25, cohort: 0.25 }
  trustAfter: 1d
routes:
  - id: discover
    match: { method: POST, path: /v1/contacts/discover }
    auth: none
    targets: /numbers
    detect:
      hitRatio: { weight: 100, below: 0.2, minTargets: 100 }
    egress:
      records: /contacts
      strip: [photo, about]
`;

function guardOptions() {
  const clock = manualClock(Date.UTC(2026, 0, 1));
  const policy = compilePolicy(POLICY, { source: 'policy.yaml' });
  return { policy, store: createMemoryStore({ clock, seed: [1, 2] }), clock };
}

/** One number in 20 of the +1415555 block is registered, and all of the +1415556 block. */
function lookup(body: unknown): { contacts: Record<string, unknown>[] } {
  const asked = (body as { numbers: string[] }).numbers;
  const contacts = asked
    .filter((n) => n.startsWith('+1415556') || Number(n.slice(-4)) % 20 === 0)
    .map((n) => ({ accountId: `acc-${n}`, number: n, photo: 'p.svg', about: 'hi' }));
  return { contacts };
}

/** A route without a plan: its answer holds the same fields and must pass unchanged. */
const OTHER = { contacts: [{ accountId: 'a', photo: 'p.svg', about: 'hi' }] };

type Start = () => Promise<{ base: string; stop: () => Promise<void> }>;

const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

const ADAPTERS: Record<string, Start> = {
  node: () =>
    listen(
      createServer(
        nodeGuard(guardOptions(), (req, res) => {
          if (req.url === '/v1/other') {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(JSON.stringify(OTHER));
            return;
          }
          // Written in pieces, as a streaming app would: the adapter holds them all.
          const text = JSON.stringify(lookup(req.body));
          res.setHeader('content-type', 'application/json');
          res.setHeader('content-length', Buffer.byteLength(text));
          const half = Math.floor(text.length / 2);
          res.write(text.slice(0, half));
          res.end(text.slice(half));
        }),
      ),
    ),
  express: () => {
    const app = express();
    app.use(express.json({ limit: '1mb' }), expressGuard(guardOptions()));
    app.get('/v1/other', (_req, res) => {
      res.json(OTHER);
    });
    app.post('/v1/contacts/discover', (req, res) => {
      res.json(lookup(req.body));
    });
    return listen(createServer(app));
  },
  fastify: async () => {
    const app = Fastify({ bodyLimit: 1 << 20 });
    await app.register(fastifyGuard, guardOptions());
    app.get('/v1/other', () => OTHER);
    app.post('/v1/contacts/discover', (req) => lookup(req.body));
    await app.listen({ port: 0, host: '127.0.0.1' });
    return {
      base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
      stop: () => app.close(),
    };
  },
  hono: async () => {
    const app = new Hono();
    app.use('*', honoGuard(guardOptions()));
    app.get('/v1/other', (c) => c.json(OTHER));
    app.post('/v1/contacts/discover', async (c) => c.json(lookup(await c.req.json())));
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
    await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', resolve)));
    return {
      base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  },
};

function numbers(block: string, from: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${block}${String(from + i).padStart(4, '0')}`);
}

const discover = (base: string, token: string, asked: string[]) =>
  fetch(`${base}/v1/contacts/discover`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ numbers: asked }),
  });

for (const [name, start] of Object.entries(ADAPTERS)) {
  describe(`${name} adapter with a response plan`, () => {
    it("strips photo and about from a fresh account's answer", async () => {
      const { base, stop } = await start();
      try {
        const res = await discover(base, 'fresh', numbers('+1415556', 0, 3));
        assert.equal(res.status, 200);
        const text = await res.text();
        assert.equal(res.headers.get('content-length'), String(Buffer.byteLength(text)));
        const body = JSON.parse(text) as { contacts: Record<string, unknown>[] };
        assert.equal(body.contacts.length, 3);
        for (const contact of body.contacts) {
          assert.deepEqual(Object.keys(contact).sort(), ['accountId', 'number']);
        }
      } finally {
        await stop();
      }
    });

    it('withholds a scan whose answer reveals 5% of 1000 numbers, and blocks the account', async () => {
      const { base, stop } = await start();
      try {
        const scan = await discover(base, 'scanner', numbers('+1415555', 0, 1000));
        assert.equal(scan.status, 403);
        assert.match(scan.headers.get('content-type') ?? '', /^application\/problem\+json/);
        const text = await scan.text();
        assert.equal((JSON.parse(text) as { code: string }).code, 'blocked');
        assert.ok(!text.includes('acc-'), 'no contact reaches the client');
        assert.ok(!text.includes('+1415555'), 'no number reaches the client');
        const again = await discover(base, 'scanner', numbers('+1415556', 0, 3));
        assert.equal(again.status, 403, 'the block holds for the next request');
        assert.equal(((await again.json()) as { code: string }).code, 'blocked');
      } finally {
        await stop();
      }
    });

    it('leaves routes without a plan unchanged', async () => {
      const { base, stop } = await start();
      try {
        const res = await fetch(`${base}/v1/other`, { headers: { authorization: 'Bearer fresh' } });
        assert.equal(res.status, 200);
        assert.deepEqual(await res.json(), OTHER);
      } finally {
        await stop();
      }
    });
  });
}
