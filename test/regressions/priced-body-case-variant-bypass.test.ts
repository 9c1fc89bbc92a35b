import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type Gateway } from '../../src/gateway/server.ts';
import { compilePolicy } from '../../src/policy/index.ts';
import { startTestGateway } from '../helpers/test-gateway.ts';
import { startEchoUpstream, type EchoUpstream } from '../helpers/echo-upstream.ts';

/**
 * Regression (issue 13, item 3): on a route priced per item at /numbers, the gateway priced
 * one reading of the body and the upstream read another. `{"Numbers":[…3000]}` (a case-
 * insensitive binder reads it), `{"numbers":[1],"numbers":[…3000]}` (JSON.parse keeps the
 * last, some parsers the first), a top-level array or a missing member each cost about 1.
 * Now each is a 400 bad-request, and an admitted body reaches the upstream byte for byte.
 */
const numbers = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => `+1555${String(i).padStart(7, '0')}`);
const many = JSON.stringify(numbers(3000));

const BYPASSES: readonly [string, string][] = [
  ['a case variant of the key', `{"Numbers":${many}}`],
  ['both spellings', `{"numbers":["+15550000001"],"NUMBERS":${many}}`],
  ['a duplicate key, the first one big', `{"numbers":${many},"numbers":["+15550000001"]}`],
  ['a duplicate key, the last one big', `{"numbers":["+15550000001"],"numbers":${many}}`],
  ['a duplicate key spelled with an escape', `{"numbers":["+15550000001"],"num\\u0062ers":${many}}`],
  ['a top-level array', many],
  ['no member at the pointer', `{"phones":${many}}`],
  ['no array at the pointer', `{"numbers":"${numbers(3000).join(',')}"}`],
  ['an empty body', ''],
];

describe('regression: the body the gateway prices is the body the upstream reads', () => {
  let upstream: EchoUpstream;
  let gateway: Gateway;
  let base: string;
  before(async () => {
    upstream = await startEchoUpstream();
    const policy = compilePolicy(`
version: 1
upstream: ${upstream.url}
server: { bodyLimit: 1mb }
routes:
  - id: cost
    match: { method: POST, path: /v1/cost }
    auth: none
    limits:
      - { key: ip, rate: 100/1h, cost: /numbers }
  - id: distinct
    match: { method: POST, path: /v1/distinct }
    auth: none
    limits:
      - { key: ip, rate: 100/1h, distinct: /numbers }
  - id: nested
    match: { method: POST, path: /v1/nested }
    auth: none
    batch: { pointer: /query/numbers, max: 50 }
`);
    ({ gateway, base } = await startTestGateway(policy, upstream.url));
  });
  after(async () => {
    await gateway.close(100);
    await upstream.close();
  });

  const post = (path: string, body: string) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  for (const path of ['/v1/cost', '/v1/distinct']) {
    for (const [what, body] of BYPASSES) {
      it(`refuses ${what} on ${path} with 400 bad-request`, async () => {
        const res = await post(path, body);
        const problem = (await res.json()) as { code: string; detail: string };
        assert.equal(res.status, 400, problem.detail);
        assert.equal(res.headers.get('content-type'), 'application/problem+json');
        assert.equal(problem.code, 'bad-request');
        assert.match(problem.detail, /duplicate key|only by case|array at \/numbers/);
      });
    }
  }

  it('names the case variant and the duplicate in the detail', async () => {
    const variant = (await (await post('/v1/cost', `{"Numbers":[]}`)).json()) as { detail: string };
    assert.match(variant.detail, /"Numbers".*"numbers".*only by case/);
    const dup = (await (await post('/v1/cost', `{"numbers":[],"numbers":[]}`)).json()) as { detail: string };
    assert.match(dup.detail, /duplicate key in the object at its top level/);
  });

  it('checks every object on a nested pointer, not the objects beside it', async () => {
    const dup = await post('/v1/nested', `{"query":{"numbers":["+15550000001"],"numbers":${many}}}`);
    assert.equal(dup.status, 400);
    const top = await post('/v1/nested', `{"query":{"numbers":[]},"query":{"numbers":${many}}}`);
    assert.equal(top.status, 400);
    const variant = await post('/v1/nested', `{"Query":{"numbers":${many}},"query":{"numbers":[]}}`);
    assert.equal(variant.status, 400);
    const beside = `{"meta":{"a":1,"a":2,"Query":3},"query":{"numbers":["+15550000001"]}}`;
    assert.equal((await post('/v1/nested', beside)).status, 200);
  });

  it('refuses a body that is not valid UTF-8 (an overlong "s" in the key)', async () => {
    const body = Buffer.concat([
      Buffer.from('{"numbers":["+15550000001"],"number'),
      Buffer.from([0xc1, 0xb3]),
      Buffer.from(`":${many}}`),
    ]);
    const res = await fetch(`${base}/v1/cost`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { detail: string }).detail, /not valid UTF-8/);
  });

  it('prices a well-formed body by its items and forwards exactly its bytes', async () => {
    const body = `{ "numbers" : ["+15550000001", "+1 555 000 0002"], "Note": "kept as sent" }`;
    const res = await post('/v1/cost', body);
    assert.equal(res.status, 200);
    assert.equal(upstream.last()?.body, body);
    const tooMany = await post('/v1/cost', JSON.stringify({ numbers: numbers(3000) }));
    assert.equal(tooMany.status, 429);
  });
});
