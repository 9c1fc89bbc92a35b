import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { manualClock } from '../../src/core/clock.ts';
import { bodyParserErrors, enumguard } from '../../src/adapters/express/index.ts';
import { compilePolicy } from '../../src/policy/index.ts';
import { createMemoryStore } from '../../src/stores/memory-store.ts';
import { FULL_KEY, lookupPolicy } from '../helpers/policies.ts';

describe('Express: bodyParserErrors() after express.json() and enumguard', () => {
  let server: Server;
  let base: string;
  before(async () => {
    const clock = manualClock(1_700_000_000_000);
    const policy = compilePolicy(lookupPolicy('http://127.0.0.1:9'), {
      source: 'policy.yaml',
      baseDir: process.cwd(),
    });
    const app = express();
    app.set('env', 'test'); // Express's default error handler then does not print the handler's bug
    app.use(
      express.json({ limit: 64 }),
      enumguard({ policy, store: createMemoryStore({ clock }), clock }),
      bodyParserErrors(),
    );
    app.post('/v1/contacts/discover', (_req, res) => {
      res.json({ contacts: [] });
    });
    app.get('/v1/accounts/:id/photo', () => {
      throw new Error('a bug in the handler');
    });
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const discover = (body: string) =>
    fetch(`${base}/v1/contacts/discover`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': FULL_KEY },
      body,
    });

  it('answers malformed JSON with a 400 problem+json, not an HTML stack trace', async () => {
    const res = await discover('{"numbers": [');
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
    assert.equal(res.headers.get('x-enumguard-problem'), 'bad-request');
    const problem = (await res.json()) as {
      type: string;
      title: string;
      status: number;
      code: string;
      detail: string;
    };
    assert.deepEqual(
      [problem.type, problem.title, problem.status, problem.code],
      ['about:blank', 'Bad Request', 400, 'bad-request'],
    );
    assert.match(problem.detail, /^the request body is not valid JSON: /);
  });

  it('answers a body over the parser limit with a 413 problem+json', async () => {
    const res = await discover(JSON.stringify({ numbers: Array.from({ length: 20 }, () => '+14155550100') }));
    assert.equal(res.status, 413);
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
    assert.deepEqual(await res.json(), {
      type: 'about:blank',
      title: 'Content Too Large',
      status: 413,
      detail: 'request bodies are limited to 64 bytes',
      code: 'body-too-large',
    });
  });

  it('lets a well-formed request through and leaves other errors to the next handler', async () => {
    const ok = await discover(JSON.stringify({ numbers: ['+14155550100'] }));
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { contacts: [] });
    const bug = await fetch(`${base}/v1/accounts/x/photo`, { headers: { 'x-api-key': FULL_KEY } });
    assert.equal(bug.status, 500);
    assert.notEqual(bug.headers.get('content-type'), 'application/problem+json');
    await bug.arrayBuffer();
  });
});
