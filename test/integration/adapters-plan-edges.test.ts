import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import express, { type Express } from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { serve as serveHono } from '@hono/node-server';
import { enumguard as fastifyGuard } from '../../src/adapters/fastify/index.ts';
import { manualClock } from '../../src/core/clock.ts';
import { enumguard as expressGuard } from '../../src/adapters/express/index.ts';
import { enumguard as nodeGuard, type NodeHandler } from '../../src/adapters/node/index.ts';
import { enumguard as honoGuard } from '../../src/adapters/hono/index.ts';
import { compilePolicy } from '../../src/policy/index.ts';
import { createMemoryStore } from '../../src/stores/memory-store.ts';
import { DESCRIBING_THE_BYTES } from '../helpers/describing-headers.ts';

/** The answer APIs the Express and node adapters hold on a route with a plan. */
const POLICY = `version: 1
unmatched: allow
routes:
  - id: lookup
    match: { method: GET, path: /v1/lookup }
    auth: none
    egress: { records: /contacts, strip: [photo], stripWhen: always }
`;

function guardOptions() {
  const clock = manualClock(Date.UTC(2026, 0, 1));
  const policy = compilePolicy(POLICY, { source: 'policy.yaml' });
  return { policy, store: createMemoryStore({ clock }), clock };
}

const ANSWER = {
  contacts: [
    { id: 'a', photo: 'p.svg' },
    { id: 'b', photo: 'q.svg' },
  ],
};
const FILTERED = { contacts: [{ id: 'a' }, { id: 'b' }] };

async function serve(listener: RequestListener | Express) {
  const server: Server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    get: (path = '/v1/lookup') => fetch(`${base}${path}`),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function expressApp(handler: express.RequestHandler) {
  const app = express();
  app.use(expressGuard(guardOptions()));
  app.get('/v1/lookup', handler);
  return serve(app);
}

describe('express adapter with a response plan', () => {
  it('filters a JSON string sent with res.send and a JSON content type', async () => {
    const s = await expressApp((_req, res) => {
      res.type('application/json').send(JSON.stringify(ANSWER));
    });
    try {
      const res = await s.get();
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), FILTERED);
    } finally {
      await s.stop();
    }
  });

  it('filters an answer written with res.write and res.end', async () => {
    const s = await expressApp((_req, res) => {
      const text = JSON.stringify(ANSWER);
      res.status(200).set('content-type', 'application/json');
      res.write(text.slice(0, 10));
      res.end(text.slice(10));
    });
    try {
      const res = await s.get();
      assert.equal(res.status, 200);
      const text = await res.text();
      assert.equal(res.headers.get('content-length'), String(Buffer.byteLength(text)));
      assert.deepEqual(JSON.parse(text), FILTERED);
    } finally {
      await s.stop();
    }
  });

  it('sends the first answer only when res.json is called twice', async () => {
    const s = await expressApp((_req, res) => {
      res.json(ANSWER);
      res.json({ contacts: [{ id: 'second', photo: 'x' }] });
    });
    try {
      const res = await s.get();
      assert.deepEqual(await res.json(), FILTERED);
    } finally {
      await s.stop();
    }
  });

  it('passes a non-2xx answer through unchanged', async () => {
    const s = await expressApp((_req, res) => {
      res.status(404).json(ANSWER);
    });
    try {
      const res = await s.get();
      assert.equal(res.status, 404);
      assert.deepEqual(await res.json(), ANSWER);
    } finally {
      await s.stop();
    }
  });

  it('passes a non-JSON answer through unchanged', async () => {
    const s = await expressApp((_req, res) => {
      res.type('text/plain').send('photo: p.svg');
    });
    try {
      const res = await s.get();
      assert.equal(res.status, 200);
      assert.equal(await res.text(), 'photo: p.svg');
    } finally {
      await s.stop();
    }
  });
});

describe('node adapter with a response plan', () => {
  const nodeApp = (handler: NodeHandler) => serve(nodeGuard(guardOptions(), handler));

  it('holds a chunked answer and sends it filtered with a content-length', async () => {
    const s = await nodeApp((_req, res) => {
      const text = JSON.stringify(ANSWER);
      res.writeHead(200, 'OK', { 'content-type': 'application/json', etag: '"v1"' });
      for (const c of text) res.write(c);
      res.end();
    });
    try {
      const res = await s.get();
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('etag'), null, "the app's validator no longer matches");
      assert.equal(res.headers.get('transfer-encoding'), null);
      const text = await res.text();
      assert.equal(res.headers.get('content-length'), String(Buffer.byteLength(text)));
      assert.deepEqual(JSON.parse(text), FILTERED);
    } finally {
      await s.stop();
    }
  });

  it('answers 502 problem+json when the answer passes the 8 MiB hold bound', async () => {
    const s = await nodeApp((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"contacts":[');
      const record = JSON.stringify({ id: 'x'.repeat(1000), photo: 'p' });
      for (let i = 0; i < 9000; i++) res.write(i === 0 ? record : `,${record}`);
      res.end(']}');
    });
    try {
      const res = await s.get();
      assert.equal(res.status, 502);
      assert.equal(res.headers.get('content-type'), 'application/problem+json');
      const body = (await res.json()) as { code: string; detail: string };
      assert.equal(body.code, 'upstream-failed');
      assert.match(body.detail, /exceeds the 8388608 bytes enumguard holds to filter it/);
    } finally {
      await s.stop();
    }
  });

  it('sends a non-JSON answer as it was written', async () => {
    const s = await nodeApp((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('photo: p.svg');
    });
    try {
      const res = await s.get();
      assert.equal(res.status, 200);
      assert.equal(await res.text(), 'photo: p.svg');
    } finally {
      await s.stop();
    }
  });

  it('refuses a compressed JSON answer it cannot filter', async () => {
    const s = await nodeApp((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(Buffer.from([0x1f, 0x8b]));
    });
    try {
      const res = await s.get();
      assert.equal(res.status, 502);
      assert.equal(res.headers.get('content-encoding'), null);
      assert.match(((await res.json()) as { detail: string }).detail, /encoded answer \(gzip\)/);
    } finally {
      await s.stop();
    }
  });
});

describe('fastify adapter with a response plan', () => {
  it('reads a streamed JSON payload and sends it filtered', async () => {
    const app = Fastify();
    await app.register(fastifyGuard, guardOptions());
    app.get('/v1/lookup', (_req, reply) => {
      const text = JSON.stringify(ANSWER);
      void reply
        .type('application/json')
        .send(Readable.from([text.slice(0, 7), text.slice(7)].map((t) => Buffer.from(t))));
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const res = await fetch(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}/v1/lookup`);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), FILTERED);
    } finally {
      await app.close();
    }
  });
});

async function assertFilteredWithoutAppHeaders(res: Response): Promise<void> {
  assert.equal(res.status, 200);
  for (const name of Object.keys(DESCRIBING_THE_BYTES))
    assert.equal(res.headers.get(name), null, `${name} describes the app's bytes, not the filtered ones`);
  const text = await res.text();
  assert.equal(res.headers.get('content-length'), String(Buffer.byteLength(text)));
  assert.deepEqual(JSON.parse(text), FILTERED);
}

describe('every adapter, once the filter changed a response', () => {
  it("node: drops the headers that describe the app's bytes", async () => {
    const s = await serve(
      nodeGuard(guardOptions(), (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', ...DESCRIBING_THE_BYTES });
        res.end(JSON.stringify(ANSWER));
      }),
    );
    try {
      await assertFilteredWithoutAppHeaders(await s.get());
    } finally {
      await s.stop();
    }
  });

  it('express: drops the headers the app set that describe its bytes (res.json)', async () => {
    const app = express();
    app.set('etag', false); // else Express sets an ETag of its own, of the filtered body
    app.use(expressGuard(guardOptions()));
    app.get('/v1/lookup', (_req, res) => {
      res.set(DESCRIBING_THE_BYTES).json(ANSWER);
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      await assertFilteredWithoutAppHeaders(await fetch(`http://127.0.0.1:${port}/v1/lookup`));
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("fastify: drops the headers that describe the app's bytes", async () => {
    const app = Fastify();
    await app.register(fastifyGuard, guardOptions());
    app.get('/v1/lookup', (_req, reply) => {
      void reply.headers(DESCRIBING_THE_BYTES).type('application/json').send(JSON.stringify(ANSWER));
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const port = (app.server.address() as AddressInfo).port;
      await assertFilteredWithoutAppHeaders(await fetch(`http://127.0.0.1:${port}/v1/lookup`));
    } finally {
      await app.close();
    }
  });

  it("hono: drops the headers that describe the app's bytes", async () => {
    const app = new Hono();
    app.use('*', honoGuard(guardOptions()));
    app.get('/v1/lookup', (c) => c.json(ANSWER, 200, DESCRIBING_THE_BYTES));
    const server = serveHono({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
    await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', resolve)));
    try {
      const port = (server.address() as AddressInfo).port;
      await assertFilteredWithoutAppHeaders(await fetch(`http://127.0.0.1:${port}/v1/lookup`));
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
