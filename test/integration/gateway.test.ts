import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { pino } from 'pino';
import { parseList } from 'structured-headers';
import { manualClock, type ManualClock } from '../../src/core/clock.ts';
import { createGateway, type Gateway } from '../../src/gateway/server.ts';
import { createUpstreamPool } from '../../src/gateway/upstream.ts';
import { createPipeline } from '../../src/pipeline/pipeline.ts';
import { compilePolicy } from '../../src/policy/index.ts';
import { createMemoryStore, type MemoryStore } from '../../src/stores/memory-store.ts';
import { startEchoUpstream, type EchoUpstream } from '../helpers/echo-upstream.ts';
import { FULL_KEY, NOSCOPE_KEY, lookupPolicy, type LookupTimeouts } from '../helpers/policies.ts';
import { withDeadline } from '../helpers/wait-for.ts';

/** A gateway on the lookup policy, over a memory store on `clock`, listening on a free port. */
async function startLookupGateway(
  upstreamUrl: string,
  clock: ManualClock,
  timeouts: LookupTimeouts = {},
): Promise<{ gateway: Gateway; base: string; store: MemoryStore }> {
  const store = createMemoryStore({ clock });
  const policy = compilePolicy(lookupPolicy(upstreamUrl, timeouts), {
    source: 'policy.yaml',
    baseDir: process.cwd(),
  });
  const gateway = createGateway({
    pipeline: createPipeline({ policy, store, clock }),
    upstream: createUpstreamPool(upstreamUrl, { timeoutMs: policy.server.upstreamTimeoutMs }),
    logger: pino({ level: 'silent' }),
  });
  const address = await gateway.listen(0);
  return { gateway, base: `http://127.0.0.1:${address.port}`, store };
}

describe('gateway', () => {
  let upstream: EchoUpstream;
  let gateway: Gateway;
  let base: string;
  let store: MemoryStore;
  const clock = manualClock(1_700_000_000_000);

  before(async () => {
    upstream = await startEchoUpstream();
    // Generous timeouts (the helper's defaults): none of these cases is about one.
    ({ gateway, base, store } = await startLookupGateway(upstream.url, clock));
  });
  after(async () => {
    await gateway.close(100);
    await upstream.close();
  });
  beforeEach(() => {
    void store.clear();
  });

  const discover = (numbers: unknown, key: string | null = FULL_KEY, extra: Record<string, string> = {}) =>
    fetch(`${base}/v1/contacts/discover`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}), ...extra },
      body: typeof numbers === 'string' ? numbers : JSON.stringify({ numbers }),
    });

  it('forwards an allowed lookup with its body and the verified identity', async () => {
    const res = await discover(['+14155550100', '+14155550101'], FULL_KEY, {
      'x-enumguard-identity': 'forged',
      'x-enumguard-identity-kind': 'jwt',
      'x-forwarded-for': '6.6.6.6',
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-upstream'), 'echo');
    assert.deepEqual(await res.json(), { ok: true, method: 'POST', url: '/v1/contacts/discover', bytes: 43 });
    const seen = upstream.last();
    assert.equal(seen?.headers['x-enumguard-identity'], 'full');
    assert.equal(seen?.headers['x-enumguard-identity-kind'], 'api-key');
    assert.equal(seen?.headers['x-forwarded-for'], '6.6.6.6, 127.0.0.1');
    assert.equal(seen?.body, JSON.stringify({ numbers: ['+14155550100', '+14155550101'] }));
  });

  it('answers 401 problem+json with a challenge when credentials are missing or wrong', async () => {
    for (const key of [null, 'not-a-key']) {
      const res = await discover(['+1'], key);
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('content-type'), 'application/problem+json');
      assert.match(res.headers.get('www-authenticate') ?? '', /ApiKey/);
      const body = (await res.json()) as Record<string, unknown>;
      assert.equal(body.status, 401);
      assert.equal(body.code, 'unauthenticated');
      assert.doesNotMatch(JSON.stringify(body), /not-a-key/);
    }
  });

  it('answers 403 when the identity lacks the route scope', async () => {
    const res = await discover(['+1'], NOSCOPE_KEY);
    assert.equal(res.status, 403);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body.detail, 'route discover requires scope contacts:discover');
  });

  it('charges a lookup by the length of its batch and reveals no capacity on a sensitive route', async () => {
    assert.equal((await discover(['+1', '+2', '+3', '+4', '+5'])).status, 200);
    const second = await discover(['+1', '+2', '+3', '+4', '+5']);
    assert.equal(second.status, 200);
    assert.equal(second.headers.get('ratelimit'), null);
    const third = await discover(['+1']);
    assert.equal(third.status, 429);
    assert.equal(third.headers.get('ratelimit'), null);
    assert.equal(third.headers.get('ratelimit-policy'), null);
    assert.ok(Number(third.headers.get('retry-after')) >= 1);
    const body = (await third.json()) as Record<string, unknown>;
    assert.equal(body.type, 'https://iana.org/assignments/http-problem-types#quota-exceeded');
    assert.equal(body.detail, 'too many requests; retry later');
    assert.equal(body.policy, undefined);
  });

  it('refuses a batch over the cap whole, with 413 or the configured 400', async () => {
    const tooMany = await discover(['+1', '+2', '+3', '+4', '+5', '+6']);
    assert.equal(tooMany.status, 413);
    const strict = await fetch(`${base}/v1/strict`, {
      method: 'POST',
      headers: { 'x-api-key': FULL_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ numbers: ['+1', '+2', '+3'] }),
    });
    assert.equal(strict.status, 400);
    assert.equal(((await strict.json()) as { title: string }).title, 'Bad Request');
  });

  it('answers 400 for malformed JSON and for a batch that is not an array', async () => {
    const broken = await discover('{"numbers": [');
    assert.equal(broken.status, 400);
    assert.match(((await broken.json()) as { detail: string }).detail, /not valid JSON/);
    const notArray = await discover('{"numbers": "+1"}');
    assert.equal(notArray.status, 400);
    assert.equal(((await notArray.json()) as { detail: string }).detail, 'expected an array at /numbers');
  });

  it('sends RateLimit and RateLimit-Policy that an independent RFC 8941 parser reads', async () => {
    const headers = { 'x-api-key': FULL_KEY };
    let res = await fetch(`${base}/v1/accounts/abc/photo`, { headers });
    assert.equal(res.status, 200);
    const policy = parseList(res.headers.get('ratelimit-policy') ?? '');
    assert.equal(policy.length, 2);
    const [name, params] = policy[0] as [string, Map<string, unknown>];
    assert.equal(name, 'photo/per-identity');
    assert.equal(params.get('q'), 3);
    assert.equal(params.get('w'), 60);
    const pk = params.get('pk');
    assert.ok(pk instanceof ArrayBuffer || ArrayBuffer.isView(pk), 'pk is an sf-binary');
    assert.equal((pk as ArrayBuffer).byteLength, 8);
    const current = parseList(res.headers.get('ratelimit') ?? '');
    assert.equal((current[0] as [string, Map<string, unknown>])[1].get('r'), 2);

    await (await fetch(`${base}/v1/accounts/abc/photo`, { headers })).arrayBuffer();
    await (await fetch(`${base}/v1/accounts/abc/photo`, { headers })).arrayBuffer();
    res = await fetch(`${base}/v1/accounts/abc/photo`, { headers });
    assert.equal(res.status, 429);
    const limited = parseList(res.headers.get('ratelimit') ?? '');
    const [limitedName, limitedParams] = limited[0] as [string, Map<string, unknown>];
    assert.equal(limitedName, 'photo/per-identity');
    assert.equal(limitedParams.get('r'), 0);
    const retryAfter = Number(res.headers.get('retry-after'));
    assert.equal(retryAfter, 20);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body.policy, 'photo/per-identity');
    assert.equal(body.detail, 'limit photo/per-identity allows 3 per 1m');

    clock.advance(retryAfter * 1000);
    assert.equal((await fetch(`${base}/v1/accounts/abc/photo`, { headers })).status, 200);
  });

  it('answers 404 problem+json for a route the policy does not list', async () => {
    const res = await fetch(`${base}/admin`);
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as { detail: string }).detail, 'no route allows GET /admin');
  });

  it('refuses a body over the limit with 413, declared or streamed', async () => {
    const big = 'x'.repeat(70 * 1024);
    const declared = await fetch(`${base}/v1/upload`, { method: 'PUT', body: big });
    assert.equal(declared.status, 413);
    const streamed = await fetch(`${base}/v1/upload`, {
      method: 'PUT',
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(big));
          controller.close();
        },
      }),
      duplex: 'half',
    });
    assert.equal(streamed.status, 413);
  });

  it('streams an allowed body of unknown length to the upstream', async () => {
    const res = await fetch(`${base}/v1/upload`, {
      method: 'PUT',
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('hello '));
          controller.enqueue(new TextEncoder().encode('world'));
          controller.close();
        },
      }),
      duplex: 'half',
    });
    assert.equal(res.status, 200);
    assert.equal(upstream.last()?.body, 'hello world');
  });
});

describe('gateway timeouts', () => {
  let upstream: EchoUpstream;
  let gateway: Gateway;
  let base: string;

  before(async () => {
    upstream = await startEchoUpstream();
    // Short, and each made to fire by a condition: an upstream that never answers, a client
    // that never finishes its headers.
    ({ gateway, base } = await startLookupGateway(upstream.url, manualClock(0), {
      headersTimeout: '400ms',
      upstreamTimeout: '300ms',
    }));
  });
  after(async () => {
    await gateway.close(100);
    await upstream.close();
  });

  it('answers 504 when the upstream does not answer within upstreamTimeout', async () => {
    upstream.hold(); // never released: only the gateway's upstream timeout can answer
    const res = await withDeadline(
      'the gateway to answer a request its upstream holds',
      fetch(`${base}/healthz`),
    );
    assert.equal(res.status, 504);
    assert.equal(((await res.json()) as { code: string }).code, 'upstream-timeout');
    await upstream.received(1);
  });

  it('closes a slowloris connection that never finishes its headers', async () => {
    const { port } = gateway.server.address() as { port: number };
    const socket = connect(port, '127.0.0.1');
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    const closed = new Promise<string>((resolve, reject) => {
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    try {
      const answer = await withDeadline(
        'the gateway to close a client that never finishes its headers',
        closed,
      );
      assert.match(answer, /^HTTP\/1\.1 408/);
    } finally {
      socket.destroy();
    }
  });
});

describe('gateway with a dead upstream', () => {
  it('answers 502 problem+json', async () => {
    const upstream = await startEchoUpstream();
    const url = upstream.url;
    await upstream.close();
    const clock = manualClock(0);
    const policy = compilePolicy(lookupPolicy(url), { source: 'policy.yaml', baseDir: process.cwd() });
    const gateway = createGateway({
      pipeline: createPipeline({ policy, store: createMemoryStore({ clock }), clock }),
      upstream: createUpstreamPool(url, { timeoutMs: 10_000 }), // refused at once: no timeout involved
      logger: pino({ level: 'silent' }),
    });
    const { port } = await gateway.listen(0);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      assert.equal(res.status, 502);
      assert.equal(res.headers.get('content-type'), 'application/problem+json');
    } finally {
      await gateway.close(100);
    }
  });
});
