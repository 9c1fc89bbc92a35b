import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../core/clock.ts';
import { compilePolicy } from '../policy/index.ts';
import { createMemoryStore } from '../stores/memory-store.ts';
import { createResilientStore } from '../stores/resilient-store.ts';
import type { Store } from '../stores/store.ts';
import { createPipeline } from './pipeline.ts';
import type { PlainRequest } from './types.ts';

const FULL_SHA = 'ffb4ab2864c006ed9a870db6c3cea7c45ae6a6d91a05195fc4b45b2523fd0e6e'; // "test-key-full"

function setup(yaml: string, store?: Store) {
  const clock = manualClock(1_000_000);
  const policy = compilePolicy(yaml, { source: 'policy.yaml', baseDir: process.cwd() });
  const pipeline = createPipeline({ policy, store: store ?? createMemoryStore({ clock }), clock });
  return { clock, pipeline };
}

/** A policy with one GET /v1/thing route and the given limits (each a YAML flow mapping). */
function thing(limits: string[], options: { auth?: 'none' | 'optional'; head?: string } = {}): string {
  return `version: 1
${options.head ? `${options.head}\n` : ''}routes:
  - id: thing
    match: { method: GET, path: /v1/thing }
    auth: ${options.auth ?? 'none'}
    limits:
${limits.map((l) => `      - ${l}`).join('\n')}
`;
}

const req = (over: Partial<PlainRequest> = {}): PlainRequest => ({
  method: 'GET',
  url: '/v1/thing',
  headers: {},
  remoteAddress: '203.0.113.7',
  ...over,
});

describe('pipeline', () => {
  it('keys rotating IPv6 addresses inside one /64 to one bucket', async () => {
    const { pipeline } = setup(thing([`{ id: per-64, key: ipv6/64, rate: 2/1m }`]));
    const a = await pipeline.admit(req({ remoteAddress: '2001:db8:1:2::1' }));
    const b = await pipeline.admit(req({ remoteAddress: '2001:db8:1:2:ffff:ffff:ffff:ffff' }));
    const c = await pipeline.admit(req({ remoteAddress: '2001:db8:1:2:abcd::9' }));
    const other = await pipeline.admit(req({ remoteAddress: '2001:db8:1:3::1' }));
    assert.deepEqual([a.allowed, b.allowed, c.allowed, other.allowed], [true, true, false, true]);
  });

  it('unwraps IPv4-mapped IPv6 before keying, so both spellings share a bucket', async () => {
    const { pipeline } = setup(thing([`{ key: ip, rate: 1/1m }`]));
    assert.equal((await pipeline.admit(req({ remoteAddress: '::ffff:198.51.100.4' }))).allowed, true);
    const second = await pipeline.admit(req({ remoteAddress: '198.51.100.4' }));
    assert.equal(second.allowed, false);
    assert.equal(second.caller?.ip, '198.51.100.4');
  });

  it('believes X-Forwarded-For only from a trusted proxy, read right to left', async () => {
    const { pipeline } = setup(
      thing([`{ key: ip, rate: 1/1m }`], {
        head: `server:
  trustedProxies: [10.0.0.0/8]
  forwardedHeader: x-forwarded-for`,
      }),
    );
    const viaProxy = (xff: string) =>
      pipeline.admit(req({ remoteAddress: '10.1.2.3', headers: { 'x-forwarded-for': xff } }));
    const first = await viaProxy('6.6.6.6, 198.51.100.20');
    assert.equal(first.caller?.ip, '198.51.100.20');
    // A forged left-hand entry does not give the same client a fresh bucket.
    assert.equal((await viaProxy('7.7.7.7, 198.51.100.20')).allowed, false);
    const direct = await pipeline.admit(
      req({ remoteAddress: '203.0.113.50', headers: { 'x-forwarded-for': '1.1.1.1' } }),
    );
    assert.equal(direct.caller?.ip, '203.0.113.50');
  });

  it('charges no limit when another limit of the same request denies', async () => {
    const { pipeline } = setup(`
version: 1
identities:
  apiKeys:
    keys:
      - { id: full, sha256: ${FULL_SHA}, scopes: [] }
routes:
  - id: thing
    match: { method: GET, path: /v1/thing }
    limits:
      - { id: per-identity, key: identity, rate: 3/1m }
      - { id: per-ip, key: ip, rate: 1/1m }
`);
    const headers = { 'x-api-key': 'test-key-full' };
    assert.equal((await pipeline.admit(req({ headers }))).allowed, true);
    // Denied by per-ip twice from the same address: per-identity must stay at 2 left.
    assert.equal((await pipeline.admit(req({ headers }))).allowed, false);
    assert.equal((await pipeline.admit(req({ headers }))).allowed, false);
    const elsewhere = await pipeline.admit(req({ headers, remoteAddress: '198.51.100.1' }));
    assert.equal(elsewhere.allowed, true);
    const fromThird = await pipeline.admit(req({ headers, remoteAddress: '198.51.100.2' }));
    assert.equal(fromThird.allowed, true);
    assert.equal((await pipeline.admit(req({ headers, remoteAddress: '198.51.100.3' }))).allowed, false);
  });

  it('keys anonymous callers of an identity limit by their address', async () => {
    const { pipeline } = setup(
      thing([`{ key: identity, rate: 1/1m }`], {
        auth: 'optional',
        head: `identities:
  apiKeys:
    keys:
      - { id: full, sha256: ${FULL_SHA}, scopes: [] }`,
      }),
    );
    assert.equal((await pipeline.admit(req())).allowed, true);
    assert.equal((await pipeline.admit(req())).allowed, false);
    assert.equal((await pipeline.admit(req({ remoteAddress: '198.51.100.9' }))).allowed, true);
  });

  it('keys by a header value and bounds hostile values', async () => {
    const { pipeline } = setup(thing([`{ key: { header: x-tenant }, rate: 1/1m }`]));
    const huge = 'a'.repeat(100_000);
    assert.equal((await pipeline.admit(req({ headers: { 'x-tenant': 'acme' } }))).allowed, true);
    assert.equal((await pipeline.admit(req({ headers: { 'x-tenant': 'acme' } }))).allowed, false);
    assert.equal((await pipeline.admit(req({ headers: { 'x-tenant': huge } }))).allowed, true);
    assert.equal((await pipeline.admit(req({ headers: { 'x-tenant': `${huge}b` } }))).allowed, false);
  });

  it('lets unmatched requests through only when the policy says so', async () => {
    const open = setup(`
version: 1
unmatched: allow
routes: []
`);
    assert.equal((await open.pipeline.admit(req({ url: '/anything?x=1' }))).allowed, true);
    const closed = setup(`
version: 1
routes: []
`);
    const verdict = await closed.pipeline.admit(req({ url: '/anything?x=1' }));
    assert.equal(verdict.allowed, false);
    assert.equal(verdict.allowed ? 0 : verdict.response.status, 404);
  });

  it('logs a failing store at most once every 10 s, counting what it held back', async () => {
    const broken: Store = {
      name: 'broken',
      consume: () => Promise.reject(new Error('connection refused')),
      signal: () => Promise.reject(new Error('connection refused')),
      clear: () => undefined,
      close: () => Promise.resolve(),
    };
    const clock = manualClock(1_000_000);
    const logged: Record<string, unknown>[] = [];
    const policy = compilePolicy(thing([`{ key: ip, rate: 5/1m }`]), { source: 'policy.yaml' });
    const pipeline = createPipeline({
      policy,
      store: broken,
      clock,
      logger: { warn: () => undefined, error: (obj) => logged.push(obj as Record<string, unknown>) },
    });
    for (let i = 0; i < 50; i++) assert.equal((await pipeline.admit(req())).allowed, false);
    assert.equal(logged.length, 1);
    clock.advance(10_000);
    await pipeline.admit(req());
    assert.equal(logged.length, 2);
    assert.equal(logged[1]?.deniedSinceLastLine, 49);
  });

  it('fails closed with 503 when the store throws', async () => {
    const broken: Store = {
      name: 'broken',
      consume: () => Promise.reject(new Error('connection refused')),
      signal: () => Promise.reject(new Error('connection refused')),
      clear: () => undefined,
      close: () => Promise.resolve(),
    };
    const { pipeline } = setup(
      `
version: 1
routes:
  - id: thing
    match: { method: GET, path: /v1/thing }
    auth: none
    limits:
      - { key: ip, rate: 5/1m }
`,
      broken,
    );
    const verdict = await pipeline.admit(req());
    assert.equal(verdict.allowed, false);
    assert.equal(verdict.allowed ? 0 : verdict.response.status, 503);
    assert.equal(verdict.decision.reason, 'store-unavailable');
  });

  it("passes each route's storeUnavailable mode to the store, which a resilient store honours", async () => {
    const modes: unknown[] = [];
    const dead: Store = {
      name: 'dead',
      consume: (_checks, _risk, options) => {
        modes.push(options?.unavailable);
        return Promise.reject(new Error('ECONNREFUSED'));
      },
      signal: () => Promise.reject(new Error('ECONNREFUSED')),
      clear: () => undefined,
      close: () => Promise.resolve(),
    };
    const store = createResilientStore({
      primary: dead,
      clock: manualClock(0),
      instances: 2,
      breaker: { failures: 100 },
    });
    const route = (id: string, mode?: string) => `
  - id: ${id}
    match: { method: GET, path: /v1/${id} }
    auth: none
${mode ? `    storeUnavailable: ${mode}\n` : ''}    limits:
      - { key: ip, rate: 4/1m }`;
    const { pipeline } = setup(
      `version: 1
routes:${route('deny', 'deny')}${route('allow', 'allow')}${route('local')}
`,
      store,
    );
    const statuses = async (url: string) => {
      const out: number[] = [];
      for (let i = 0; i < 4; i++) {
        const v = await pipeline.admit(req({ url }));
        out.push(v.allowed ? 200 : v.response.status);
      }
      return out;
    };
    assert.deepEqual(await statuses('/v1/deny'), [503, 503, 503, 503]);
    assert.deepEqual(await statuses('/v1/allow'), [200, 200, 200, 200]);
    // This instance's share of 4/1m over 2 instances: 2.
    assert.deepEqual(await statuses('/v1/local'), [200, 200, 429, 429]);
    assert.deepEqual([...new Set(modes)], ['deny', 'allow', 'local']);
    assert.deepEqual(store.stats().fallbacks, { deny: 4, allow: 4, local: 4 });
  });

  it('adds rate-limit headers to the upstream answer in handle()', async () => {
    const { pipeline } = setup(thing([`{ id: per-ip, key: ip, rate: 5/1m }`]));
    const res = await pipeline.handle(req(), () =>
      Promise.resolve({ status: 200, headers: { a: 'b' }, body: '{}' }),
    );
    assert.equal(res.status, 200);
    assert.equal(res.headers.a, 'b');
    assert.match(res.headers.ratelimit ?? '', /^"thing\/per-ip";r=4;t=\d+;pk=:[A-Za-z0-9+/=]+:$/);
  });
});
