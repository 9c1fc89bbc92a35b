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
import { postExpectingContinue } from '../helpers/expect-continue.ts';
import { FULL_KEY, lookupPolicy } from '../helpers/policies.ts';

/** Every adapter serves the same two routes behind the same policy. */
function guardOptions() {
  const clock = manualClock(0);
  const policy = compilePolicy(lookupPolicy('http://127.0.0.1:9'), { source: 'policy.yaml' });
  return { policy, store: createMemoryStore({ clock }), clock };
}

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
          const numbers = (req.body as { numbers?: unknown[] } | undefined)?.numbers;
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ path: req.url, seen: numbers?.length ?? null }));
        }),
      ),
    ),
  express: () => {
    const app = express();
    app.use(express.json(), expressGuard(guardOptions()));
    app.get('/v1/accounts/:id/photo', (req, res) => {
      res.json({ path: req.originalUrl, seen: null });
    });
    app.post('/v1/contacts/discover', (req, res) => {
      res.json({ path: req.originalUrl, seen: (req.body as { numbers: unknown[] }).numbers.length });
    });
    return listen(createServer(app));
  },
  fastify: async () => {
    const app = Fastify();
    await app.register(fastifyGuard, guardOptions());
    app.get('/v1/accounts/:id/photo', (req) => ({ path: req.url, seen: null }));
    app.post('/v1/contacts/discover', (req) => ({
      path: req.url,
      seen: (req.body as { numbers: unknown[] }).numbers.length,
    }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    return {
      base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
      stop: () => app.close(),
    };
  },
  hono: async () => {
    const app = new Hono();
    app.use('*', honoGuard(guardOptions()));
    app.get('/v1/accounts/:id/photo', (c) => c.json({ path: new URL(c.req.url).pathname, seen: null }));
    app.post('/v1/contacts/discover', async (c) => {
      const body: { numbers: unknown[] } = await c.req.json();
      return c.json({ path: new URL(c.req.url).pathname, seen: body.numbers.length });
    });
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
    await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', resolve)));
    return {
      base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  },
};

for (const [name, start] of Object.entries(ADAPTERS)) {
  describe(`${name} adapter`, () => {
    it('passes an allowed request to the app with RateLimit headers, then answers 429 problem+json', async () => {
      const { base, stop } = await start();
      try {
        const headers = { 'x-api-key': FULL_KEY };
        const first = await fetch(`${base}/v1/accounts/abc/photo`, { headers });
        assert.equal(first.status, 200);
        assert.deepEqual(await first.json(), { path: '/v1/accounts/abc/photo', seen: null });
        assert.match(first.headers.get('ratelimit') ?? '', /"photo\/per-identity";r=2;/);
        await (await fetch(`${base}/v1/accounts/abc/photo`, { headers })).arrayBuffer();
        await (await fetch(`${base}/v1/accounts/abc/photo`, { headers })).arrayBuffer();
        const limited = await fetch(`${base}/v1/accounts/abc/photo`, { headers });
        assert.equal(limited.status, 429);
        assert.equal(limited.headers.get('content-type'), 'application/problem+json');
        assert.equal(limited.headers.get('retry-after'), '20');
        assert.equal(((await limited.json()) as { code: string }).code, 'quota-exceeded');
      } finally {
        await stop();
      }
    });

    it('answers 401 without credentials and never calls the app', async () => {
      const { base, stop } = await start();
      try {
        const res = await fetch(`${base}/v1/accounts/abc/photo`);
        assert.equal(res.status, 401);
        assert.equal(((await res.json()) as { code: string }).code, 'unauthenticated');
      } finally {
        await stop();
      }
    });

    it('prices a lookup by its batch and still hands the body to the app', async () => {
      const { base, stop } = await start();
      try {
        const post = (numbers: string[]) =>
          fetch(`${base}/v1/contacts/discover`, {
            method: 'POST',
            headers: { 'x-api-key': FULL_KEY, 'content-type': 'application/json' },
            body: JSON.stringify({ numbers }),
          });
        const ok = await post(['+1', '+2', '+3', '+4', '+5']);
        assert.equal(ok.status, 200);
        assert.equal(((await ok.json()) as { seen: number }).seen, 5);
        assert.equal((await post(['+1', '+2', '+3', '+4', '+5', '+6'])).status, 413);
        assert.equal((await post(['+1', '+2', '+3', '+4', '+5'])).status, 200);
        assert.equal((await post(['+1'])).status, 429);
      } finally {
        await stop();
      }
    });

    it('refuses a priced body that reads two ways with 400 and never calls the app', async () => {
      const { base, stop } = await start();
      try {
        const post = (body: string) =>
          fetch(`${base}/v1/contacts/discover`, {
            method: 'POST',
            headers: { 'x-api-key': FULL_KEY, 'content-type': 'application/json' },
            body,
          });
        const bodies = ['{"Numbers":["+1","+2"]}', '["+1","+2"]', '{"phones":["+1"]}'];
        // Duplicate keys need the raw text: only node:http and Hono pass it (docs/middleware.md).
        if (name === 'node' || name === 'hono') bodies.push('{"numbers":["+1"],"numbers":["+1","+2"]}');
        for (const body of bodies) {
          const res = await post(body);
          assert.equal(res.status, 400, body);
          assert.equal(((await res.json()) as { code: string }).code, 'bad-request');
        }
      } finally {
        await stop();
      }
    });

    it('answers requests sent with Expect: 100-continue, as curl sends large bodies', async () => {
      const { base, stop } = await start();
      try {
        const url = `${base}/v1/contacts/discover`;
        const json = { 'content-type': 'application/json' };
        const body = JSON.stringify({ numbers: ['+1', '+2'] });
        const ok = await postExpectingContinue(url, { headers: { ...json, 'x-api-key': FULL_KEY }, body });
        assert.equal(ok.status, 200, ok.body);
        assert.equal(ok.continued, true);
        assert.equal((JSON.parse(ok.body) as { seen: number }).seen, 2);
        const denied = await postExpectingContinue(url, { headers: json, body });
        assert.equal(denied.status, 401, denied.body);
      } finally {
        await stop();
      }
    });
  });
}
