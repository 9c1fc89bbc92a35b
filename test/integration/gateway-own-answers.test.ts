import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { pino } from 'pino';
import { manualClock } from '../../src/core/clock.ts';
import { createGateway, type Gateway } from '../../src/gateway/server.ts';
import { createUpstreamPool } from '../../src/gateway/upstream.ts';
import { createPipeline } from '../../src/pipeline/pipeline.ts';
import { compilePolicy } from '../../src/policy/index.ts';
import { createPopulation } from '../../src/reference/population/population.ts';
import { startReferenceService, type RunningReferenceService } from '../../src/reference/http.ts';
import { createMemoryStore } from '../../src/stores/memory-store.ts';

/**
 * The demo's setup: the gateway in front of the reference service, both of which answer 401
 * as an "about:blank" problem with code "unauthenticated". The gateway's own answers carry
 * X-Enumguard-Problem, so whoever reads the answer can tell who refused.
 */
describe("the gateway's own answers", () => {
  let service: RunningReferenceService;
  let gateway: Gateway;
  let base: string;

  before(async () => {
    service = await startReferenceService({
      population: createPopulation({ seed: 1, accounts: 100 }),
      port: 0,
    });
    const policy = compilePolicy(
      `version: 1
identities:
  apiKeys: { keys: [] }
routes:
  - id: discover # the service checks its own bearer token
    match: { method: POST, path: /v1/contacts/discover }
    auth: none
  - id: photo # the gateway wants an API key first
    match: { method: GET, path: /v1/accounts/:id/photo }
    auth: required
`,
      { source: 'policy.yaml', baseDir: process.cwd() },
    );
    const clock = manualClock(1_700_000_000_000);
    gateway = createGateway({
      pipeline: createPipeline({ policy, store: createMemoryStore({ clock }), clock }),
      upstream: createUpstreamPool(service.url, { timeoutMs: 5_000 }),
      logger: pino({ level: 'silent' }),
    });
    base = `http://127.0.0.1:${(await gateway.listen(0)).port}`;
  });
  after(async () => {
    await gateway.close(100);
    await service.close();
  });

  it("marks the gateway's 401 with X-Enumguard-Problem and passes the service's 401 unmarked", async () => {
    const own = await fetch(`${base}/v1/accounts/abc/photo`);
    const upstream = await fetch(`${base}/v1/contacts/discover`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ numbers: ['+14155550100'] }),
    });
    for (const res of [own, upstream]) {
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('content-type'), 'application/problem+json');
      assert.equal(((await res.json()) as { code: string }).code, 'unauthenticated');
    }
    assert.equal(own.headers.get('x-enumguard-problem'), 'unauthenticated');
    assert.equal(upstream.headers.get('x-enumguard-problem'), null);
  });

  it('marks every refusal it makes, with the problem code', async () => {
    const res = await fetch(`${base}/nowhere`);
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('x-enumguard-problem'), 'no-route');
  });

  it('marks the bare 400 it writes on the socket for a request it cannot parse', async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(base).port), '127.0.0.1', () => {
        socket.end('GET / HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n');
      });
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    assert.match(raw, /^HTTP\/1\.1 400 /);
    assert.match(raw, /\r\nx-enumguard-problem: bad-request\r\n/);
  });
});
