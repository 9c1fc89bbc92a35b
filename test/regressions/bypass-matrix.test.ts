import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { pino } from 'pino';
import { manualClock } from '../../src/core/clock.ts';
import { createGateway, type Gateway } from '../../src/gateway/server.ts';
import { createUpstreamPool } from '../../src/gateway/upstream.ts';
import { apiKeyDigest } from '../../src/identity/api-keys.ts';
import { createPipeline } from '../../src/pipeline/pipeline.ts';
import { compilePolicy } from '../../src/policy/index.ts';
import { createMemoryStore } from '../../src/stores/memory-store.ts';
import { startEchoUpstream, type EchoUpstream } from '../helpers/echo-upstream.ts';

/**
 * Every limit bypass of issue 13 (items 1 to 7) against one gateway, one row per bypass: each
 * must be refused (or keep landing in the bucket it tried to leave). The gateway runs a
 * 1,000-key memory store on a manual clock behind a trusted proxy (127.0.0.1), so each row
 * spells its client in X-Forwarded-For and no budget refills during the run.
 */
const SECRET = 'a-test-secret-that-is-at-least-32-bytes-long';
const ALICE_KEY = 'key-of-alice';
const NUMBERS = (from: number, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `+1415555${String(1000 + from + i)}`);

let upstream: EchoUpstream;
let gateway: Gateway;
let base = '';

before(async () => {
  upstream = await startEchoUpstream();
  const policy = compilePolicy(
    `
version: 1
upstream: ${upstream.url}
server: { trustedProxies: [127.0.0.1/32] }
identities:
  apiKeys:
    keys:
      - { id: alice, sha256: ${apiKeyDigest(ALICE_KEY)} }
  jwt: { algorithms: [HS256], secret: ${SECRET} }
  failedAuth: { rate: 5/1h }
routes:
  - id: lookup
    match: { method: GET, path: /v1/lookup }
    auth: none
    limits:
      - { id: per-ip, key: ip, rate: 5/1h }
  - id: session
    match: { method: GET, path: /v1/session }
    auth: none
    limits:
      - { id: per-session, key: { header: x-session }, rate: 100/1h }
  - id: discover
    match: { method: POST, path: /v1/discover }
    auth: required
    batch: { pointer: /numbers, max: 100 }
    limits:
      - { id: per-identity, key: identity, rate: 10/1h, cost: /numbers }
`,
    { source: 'policy.yaml' },
  );
  const clock = manualClock(Date.parse('2026-01-01T00:00:00Z'));
  gateway = createGateway({
    pipeline: createPipeline({ policy, store: createMemoryStore({ clock, maxKeys: 1000 }), clock }),
    upstream: createUpstreamPool(upstream.url, { timeoutMs: policy.server.upstreamTimeoutMs }),
    logger: pino({ level: 'silent' }),
  });
  base = `http://127.0.0.1:${(await gateway.listen(0)).port}`;
});

after(async () => {
  await gateway.close(1000);
  await upstream.close();
});

const get = async (path: string, headers: Record<string, string>): Promise<number> =>
  (await fetch(base + path, { headers })).status;

async function discover(body: string, headers: Record<string, string>): Promise<number> {
  const res = await fetch(`${base}/v1/discover`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

function jwt(sub: string, exp: boolean): Promise<string> {
  const t = new SignJWT({ sub }).setProtectedHeader({ alg: 'HS256' });
  if (exp) t.setExpirationTime(Date.parse('2026-01-01T01:00:00Z') / 1000);
  return t.sign(new TextEncoder().encode(SECRET));
}

describe('bypass matrix (issue 13, items 1–7) against one gateway', () => {
  it('2. rotating IPv6 addresses inside one /64 stays in one per-ip bucket', async () => {
    const statuses: number[] = [];
    for (let n = 1; n <= 8; n++)
      statuses.push(await get('/v1/lookup', { 'x-forwarded-for': `2001:db8:7:9::${n.toString(16)}` }));
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429, 429]);
    for (let n = 0; n < 5; n++)
      assert.equal(await get('/v1/lookup', { 'x-forwarded-for': '::ffff:198.51.100.2' }), 200);
    assert.equal(
      await get('/v1/lookup', { 'x-forwarded-for': '198.51.100.2' }),
      429,
      'IPv4 in IPv6 is that IPv4',
    );
  });

  it('3. a priced body that reads two ways is refused (case variant, duplicate key, bare array)', async () => {
    const auth = { 'x-api-key': ALICE_KEY, 'x-forwarded-for': '198.51.100.3' };
    const many = JSON.stringify(NUMBERS(0, 50));
    assert.equal(await discover(`{"Numbers":${many},"numbers":[]}`, auth), 400);
    assert.equal(await discover(`{"numbers":[],"numbers":${many}}`, auth), 400);
    assert.equal(await discover(many, auth), 400);
  });

  it('4. a JWT whose sub names an API key does not share that key’s bucket', async () => {
    const key = { 'x-api-key': ALICE_KEY, 'x-forwarded-for': '198.51.100.4' };
    assert.equal(await discover(JSON.stringify({ numbers: NUMBERS(0, 10) }), key), 200);
    assert.equal(await discover(JSON.stringify({ numbers: NUMBERS(10, 1) }), key), 429);
    const token = { authorization: `Bearer ${await jwt('alice', true)}`, 'x-forwarded-for': '198.51.100.4' };
    assert.equal(await discover(JSON.stringify({ numbers: NUMBERS(20, 10) }), token), 200);
    assert.equal(await discover(JSON.stringify({ numbers: NUMBERS(30, 1) }), token), 429);
  });

  it('5. disagreeing Forwarded and X-Forwarded-For are refused, not keyed by the proxy', async () => {
    const status = await get('/v1/lookup', {
      forwarded: 'for=198.51.100.5',
      'x-forwarded-for': '198.51.100.6',
    });
    assert.equal(status, 400);
  });

  it('6. junk credentials are throttled per client address before verification', async () => {
    const statuses: number[] = [];
    for (let n = 0; n < 7; n++) {
      statuses.push(
        await discover('{"numbers":[]}', { 'x-api-key': `junk-${n}`, 'x-forwarded-for': '198.51.100.7' }),
      );
    }
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429]);
  });

  it('7. a JWT without exp is refused', async () => {
    const token = { authorization: `Bearer ${await jwt('bob', false)}`, 'x-forwarded-for': '198.51.100.8' };
    assert.equal(await discover(JSON.stringify({ numbers: NUMBERS(0, 1) }), token), 401);
  });
  // Last: a full store sends every new key to its limit's shared overflow bucket, so the rows
  // above would share buckets after it (the documented fail-closed behaviour).
  it('1. filling the memory store does not refill a spent per-ip limit', async () => {
    const client = { 'x-forwarded-for': '198.51.100.1' };
    for (let i = 0; i < 5; i++) assert.equal(await get('/v1/lookup', client), 200);
    assert.equal(await get('/v1/lookup', client), 429);
    for (let n = 0; n < 1500; n++)
      await get('/v1/session', { 'x-session': `s-${n}`, 'x-forwarded-for': '203.0.113.1' });
    assert.equal(await get('/v1/lookup', client), 429);
  });
});
