import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { pino } from 'pino';
import { manualClock } from '../../src/core/clock.ts';
import { EnumguardError } from '../../src/core/errors.ts';
import type { EgressConfig } from '../../src/egress/index.ts';
import { HELD_RESPONSE_MIN_BYTES } from '../../src/http/held-response-limit.ts';
import { createGateway, type Gateway } from '../../src/gateway/server.ts';
import { createUpstreamPool } from '../../src/gateway/upstream.ts';
import { createPipeline, type Pipeline } from '../../src/pipeline/pipeline.ts';
import { problemResponse } from '../../src/pipeline/problem.ts';
import type { PlainResponse, ResponseOutcome, ResponsePlan } from '../../src/pipeline/types.ts';
import { compilePolicy } from '../../src/policy/index.ts';
import { createMemoryStore } from '../../src/stores/memory-store.ts';
import { DESCRIBING_THE_BYTES } from '../helpers/describing-headers.ts';

const CONTACTS = {
  contacts: [1, 2, 3, 4, 5].map((id) => ({ id, name: `n${id}`, photo: `p${id}` })),
  total: 5,
};
const CONTACTS_TEXT = JSON.stringify(CONTACTS);
const EGRESS: EgressConfig = { records: '/contacts', strip: ['photo'], maxRecords: 2 };
/** The bytes of CONTACTS through EGRESS: what the client receives and a byte quota charges. */
const FILTERED_BYTES = Buffer.byteLength(
  JSON.stringify({ contacts: [1, 2].map((id) => ({ id, name: `n${id}` })), total: 5 }),
);

interface Seen {
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

/** An upstream with one canned answer per path: /<route>/<case>. */
async function startUpstream() {
  const seen: Seen[] = [];
  let stalled: ((res: ServerResponse) => void) | undefined;
  const server: Server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    const json = { 'content-type': 'application/json; charset=utf-8', 'x-upstream': 'canned' };
    switch ((req.url ?? '').split('/')[2]) {
      case 'contacts':
        res.writeHead(200, { ...json, etag: '"v1"', 'content-length': Buffer.byteLength(CONTACTS_TEXT) });
        res.end(CONTACTS_TEXT);
        return;
      case 'described':
        res.writeHead(200, { ...json, ...DESCRIBING_THE_BYTES });
        res.end(CONTACTS_TEXT);
        return;
      case 'malformed':
        // Valid up to the third record, so a streaming filter would already have sent two;
        // a +json type is JSON too (RFC 6839).
        res.writeHead(200, { 'content-type': 'application/problem+json' });
        res.write('{"contacts":[{"id":1,"photo":"p1"},{"id":2,"photo":"p2"},');
        res.end('{"id":3,"photo":]}');
        return;
      case 'big': {
        res.writeHead(200, json);
        res.write('{"contacts":[{"id":1}],"blob":"');
        const block = Buffer.alloc(1 << 20, 0x61);
        for (let i = 0; i <= HELD_RESPONSE_MIN_BYTES >> 20; i++) res.write(block);
        res.end('"}');
        return;
      }
      case 'gzip':
        res.writeHead(200, { ...json, 'content-encoding': 'gzip' });
        res.end(gzipSync(CONTACTS_TEXT));
        return;
      case 'missing':
        res.writeHead(404, json);
        res.end('{"error":"no such contact"}');
        return;
      case 'text':
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('plain words');
        return;
      case 'stall':
        res.writeHead(200, json);
        res.write('{"contacts":[');
        stalled?.(res);
        return;
      default:
        res.writeHead(500);
        res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    /** Resolves with the upstream's response once /x/stall has sent its first bytes. */
    nextStall: () => new Promise<ServerResponse>((resolve) => (stalled = resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const policyText = (upstream: string) => `
version: 1
upstream: ${upstream}
server:
  upstreamTimeout: 5s
routes:
  - id: planned
    match: { method: GET, path: /plan/:case }
    auth: none
  - id: plain
    match: { method: GET, path: /plain/:case }
    auth: none
`;

describe('gateway with a response plan', () => {
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let gateway: Gateway;
  let base: string;
  let outcomes: ResponseOutcome[];
  let egress: EgressConfig | undefined;
  let settle: (outcome: ResponseOutcome) => PlainResponse | undefined | Promise<PlainResponse | undefined>;

  before(async () => {
    upstream = await startUpstream();
    const clock = manualClock(1_700_000_000_000);
    const real = createPipeline({
      policy: compilePolicy(policyText(upstream.url)),
      store: createMemoryStore({ clock }),
      clock,
    });
    // The pipeline does not make plans yet: this one adds the test's plan to the "planned" route.
    const pipeline: Pipeline = {
      ...real,
      async admit(req) {
        const verdict = await real.admit(req);
        if (!verdict.allowed || verdict.route?.id !== 'planned') return verdict;
        const plan: ResponsePlan = {
          egress,
          settle(outcome) {
            outcomes.push(outcome);
            return settle(outcome);
          },
        };
        return { ...verdict, plan };
      },
    };
    gateway = createGateway({
      pipeline,
      upstream: createUpstreamPool(upstream.url, { timeoutMs: 5000 }),
      logger: pino({ level: 'silent' }),
    });
    const { port } = await gateway.listen(0);
    base = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    await gateway.close(100);
    await upstream.close();
  });
  beforeEach(() => {
    outcomes = [];
    egress = EGRESS;
    settle = () => undefined;
    upstream.seen.length = 0;
  });

  it('strips members and caps records of a real answer, and sends a correct content-length', async () => {
    const res = await fetch(`${base}/plan/contacts`);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.deepEqual(JSON.parse(text), {
      contacts: [
        { id: 1, name: 'n1' },
        { id: 2, name: 'n2' },
      ],
      total: 5,
    });
    assert.equal(res.headers.get('content-length'), String(Buffer.byteLength(text)));
    assert.equal(res.headers.get('x-upstream'), 'canned');
    assert.equal(res.headers.get('etag'), null, 'the upstream validator no longer describes the body');
  });

  it("drops every header that describes the upstream's bytes once the filter changed them", async () => {
    const res = await fetch(`${base}/plan/described`);
    assert.equal(res.status, 200);
    for (const name of Object.keys(DESCRIBING_THE_BYTES))
      assert.equal(res.headers.get(name), null, `${name} describes the upstream's bytes`);
    const text = await res.text();
    assert.equal(res.headers.get('content-length'), String(Buffer.byteLength(text)));
    assert.equal(res.headers.get('x-upstream'), 'canned');
  });

  it('keeps the validators of a held body the filter left unchanged, and re-frames it', async () => {
    egress = { records: '/contacts', strip: [] };
    const res = await fetch(`${base}/plan/described`);
    assert.equal(await res.text(), CONTACTS_TEXT);
    assert.equal(res.headers.get('content-encoding'), null, 'the held body goes out unencoded');
    assert.equal(res.headers.get('content-length'), String(Buffer.byteLength(CONTACTS_TEXT)));
    for (const name of ['etag', 'content-md5', 'digest', 'content-digest', 'repr-digest'] as const)
      assert.equal(res.headers.get(name), DESCRIBING_THE_BYTES[name], `${name} still holds`);
  });

  it('settles with every record the upstream revealed, passed or not', async () => {
    await (await fetch(`${base}/plan/contacts`)).arrayBuffer();
    assert.deepEqual(outcomes, [{ status: 200, records: 5, passed: 2, bytes: FILTERED_BYTES }]);
  });

  it('settles with the bytes of the filtered body it then sends', async () => {
    const res = await fetch(`${base}/plan/contacts`);
    const sent = Buffer.from(await res.arrayBuffer()).byteLength;
    assert.equal(outcomes.length, 1);
    assert.equal(outcomes[0]?.bytes, sent);
    assert.equal(res.headers.get('content-length'), String(sent));
    assert.ok(sent < Buffer.byteLength(CONTACTS_TEXT), 'the filtered body, not the upstream one');
  });

  it('asks the upstream for identity encoding and the whole answer on plan routes only', async () => {
    // node:http, not fetch: fetch adds "identity" to accept-encoding whenever it sends a Range.
    const get = (path: string) =>
      new Promise<void>((resolve, reject) => {
        const headers = { 'accept-encoding': 'gzip, br', range: 'bytes=0-20' };
        request(`${base}${path}`, { headers }, (res) => res.resume().once('end', resolve))
          .once('error', reject)
          .end();
      });
    await get('/plan/contacts');
    await get('/plain/contacts');
    const [planned, plain] = upstream.seen;
    assert.equal(planned?.headers['accept-encoding'], 'identity');
    assert.equal(planned?.headers.range, undefined);
    assert.equal(plain?.headers['accept-encoding'], 'gzip, br');
    assert.equal(plain?.headers.range, 'bytes=0-20');
  });

  it("sends settle's replacement instead of the answer, and none of the upstream's body", async () => {
    settle = () => problemResponse('abnormal-usage-detected', 'slow down');
    const res = await fetch(`${base}/plan/contacts`);
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
    assert.equal(res.headers.get('x-upstream'), null);
    const text = await res.text();
    assert.equal((JSON.parse(text) as { code: string }).code, 'abnormal-usage-detected');
    assert.doesNotMatch(text, /n1|p1|contacts/);
    assert.deepEqual(outcomes, [{ status: 200, records: 5, passed: 2, bytes: FILTERED_BYTES }]);
  });

  it('answers 502 with no partial body for malformed upstream JSON, without settling', async () => {
    const res = await fetch(`${base}/plan/malformed`);
    assert.equal(res.status, 502);
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
    const text = await res.text();
    assert.equal((JSON.parse(text) as { code: string }).code, 'upstream-failed');
    assert.doesNotMatch(text, /p1|"id"/);
    assert.deepEqual(outcomes, []);
  });

  it('answers 502 when the filtered answer outgrows what the gateway holds', async () => {
    const res = await fetch(`${base}/plan/big`);
    assert.equal(res.status, 502);
    const body = (await res.json()) as { detail: string };
    assert.match(body.detail, /exceeds the \d+ bytes/);
    assert.deepEqual(outcomes, []);
  });

  it('answers 502 for an encoded answer rather than decoding it', async () => {
    const res = await fetch(`${base}/plan/gzip`);
    assert.equal(res.status, 502);
    assert.match(((await res.json()) as { detail: string }).detail, /encoded answer \(gzip\)/);
    assert.deepEqual(outcomes, []);
  });

  it('settles a non-2xx or non-JSON answer with 0 records and passes it unchanged', async () => {
    const missing = await fetch(`${base}/plan/missing`);
    assert.equal(missing.status, 404);
    assert.equal(await missing.text(), '{"error":"no such contact"}');
    const text = await fetch(`${base}/plan/text`);
    assert.equal(await text.text(), 'plain words');
    assert.deepEqual(outcomes, [
      { status: 404, records: 0, passed: 0 },
      { status: 200, records: 0, passed: 0 },
    ]);
  });

  it('settles a JSON answer unfiltered with 0 records when the plan has no egress', async () => {
    egress = undefined;
    const res = await fetch(`${base}/plan/contacts`);
    assert.equal(await res.text(), CONTACTS_TEXT);
    assert.deepEqual(outcomes, [{ status: 200, records: 0, passed: 0 }]);
  });

  it('replaces an unfiltered answer too when settle says so', async () => {
    settle = () => problemResponse('forbidden', 'blocked');
    const res = await fetch(`${base}/plan/missing`);
    assert.equal(res.status, 403);
    assert.doesNotMatch(await res.text(), /no such contact/);
  });

  it('withholds the answer when settle fails: 503 for the store, 500 otherwise', async () => {
    settle = () => {
      throw new EnumguardError('ERR_STORE_UNAVAILABLE', 'redis down');
    };
    const down = await fetch(`${base}/plan/contacts`);
    assert.equal(down.status, 503);
    assert.doesNotMatch(await down.text(), /n1/);
    settle = () => Promise.reject(new Error('bug'));
    const bug = await fetch(`${base}/plan/text`);
    assert.equal(bug.status, 500);
    assert.doesNotMatch(await bug.text(), /plain words/);
  });

  it('leaves non-plan routes untouched', async () => {
    const res = await fetch(`${base}/plain/contacts`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), CONTACTS_TEXT);
    assert.equal(res.headers.get('etag'), '"v1"');
    assert.equal(res.headers.get('content-length'), String(Buffer.byteLength(CONTACTS_TEXT)));
    assert.deepEqual(outcomes, []);
  });

  it('drops a held answer when the client hangs up, and keeps serving', async () => {
    const stall = upstream.nextStall();
    const client = request(`${base}/plan/stall`);
    client.on('error', () => undefined);
    client.end();
    const upstreamRes = await stall;
    const upstreamClosed = new Promise((resolve) => upstreamRes.once('close', resolve));
    client.destroy();
    await upstreamClosed;
    const res = await fetch(`${base}/plan/contacts`);
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    assert.deepEqual(outcomes, [{ status: 200, records: 5, passed: 2, bytes: FILTERED_BYTES }]);
  });
});
