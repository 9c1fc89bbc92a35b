/**
 * One app per process for the adapter-overhead benchmark:
 *   tsx bench/servers/adapter-server.ts <node|express|fastify|hono> <bare|guarded> <port>
 * The guarded variant adds enumguard's adapter with a 4-limit policy that never denies.
 */
import { createServer, type ServerResponse } from 'node:http';
import { compilePolicy } from '../../src/policy/index.ts';
import { benchPolicy } from '../bench-policy.ts';

const [framework = 'node', mode = 'bare', portText = '0'] = process.argv.slice(2);
const port = Number(portText);
const body = JSON.stringify({ contacts: [{ number: '+14155550100', accountId: 'a1b2c3d4e5f6' }] });
const policy = compilePolicy(benchPolicy(), { source: 'bench-policy.yaml' });
const guarded = mode === 'guarded';

switch (framework) {
  case 'node': {
    const { enumguard } = await import('../../src/adapters/node/index.ts');
    const app = (_req: unknown, res: ServerResponse): void => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    createServer(guarded ? enumguard({ policy }, app) : app).listen(port, '127.0.0.1');
    break;
  }
  case 'express': {
    const express = (await import('express')).default;
    const { enumguard } = await import('../../src/adapters/express/index.ts');
    const app = express();
    app.disable('x-powered-by');
    app.disable('etag');
    if (guarded) app.use(enumguard({ policy }));
    app.get('/v1/lookup', (_req, res) => {
      res.type('application/json').send(body);
    });
    app.listen(port, '127.0.0.1');
    break;
  }
  case 'fastify': {
    const Fastify = (await import('fastify')).default;
    const { enumguard } = await import('../../src/adapters/fastify/index.ts');
    const app = Fastify();
    if (guarded) await app.register(enumguard, { policy });
    app.get('/v1/lookup', async (_req, reply) => reply.type('application/json').send(body));
    await app.listen({ port, host: '127.0.0.1' });
    break;
  }
  case 'hono': {
    const { Hono } = await import('hono');
    const { serve } = await import('@hono/node-server');
    const { enumguard } = await import('../../src/adapters/hono/index.ts');
    const app = new Hono();
    if (guarded) app.use('*', enumguard({ policy }));
    app.get('/v1/lookup', (c) => c.body(body, 200, { 'content-type': 'application/json' }));
    serve({ fetch: app.fetch, port, hostname: '127.0.0.1' });
    break;
  }
  default:
    throw new Error(`unknown framework ${framework}`);
}
