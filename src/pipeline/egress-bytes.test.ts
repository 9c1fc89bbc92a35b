import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../core/clock.ts';
import { compilePolicy } from '../policy/index.ts';
import { createMemoryStore } from '../stores/memory-store.ts';
import { createPipeline } from './pipeline.ts';
import type { PlainRequest, PlainResponse, ResponseOutcome, ResponsePlan } from './types.ts';

/**
 * egress.perIdentityBytes through the pipeline's in-process path: a fake lookup service
 * answers every number asked with a contact (photo and "about" included), plus `pad`
 * characters of padding outside the records when the request asks for it.
 */
const HOUR = 3_600_000;

function numbers(from: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `+1415555${String(from + i).padStart(4, '0')}`);
}

/** The answer as the service sends it, and its body as the client receives it (stripped). */
function answers(asked: readonly string[], pad = 0) {
  const contacts = asked.map((n) => ({ accountId: `acc-${n}`, number: n, photo: 'p.svg', about: 'hi' }));
  const padding = pad > 0 ? { note: 'x'.repeat(pad) } : {};
  const sent = { contacts, ...padding };
  const received = { contacts: contacts.map(({ accountId, number }) => ({ accountId, number })), ...padding };
  return { sent, receivedBytes: Buffer.byteLength(JSON.stringify(received)) };
}

function world(egress: string) {
  const clock = manualClock(Date.UTC(2026, 0, 1));
  const yaml = `version: 1
unmatched: allow
risk:
  identity: { header: authorization }
routes:
  - id: discover
    match: { method: POST, path: /v1/contacts/discover }
    auth: none
    egress:
      records: /contacts
      strip: [photo, about]
      stripWhen: always
${egress}
`;
  const pipeline = createPipeline({
    policy: compilePolicy(yaml, { source: 'policy.yaml' }),
    store: createMemoryStore({ clock, seed: [1, 2] }),
    clock,
    seed: 7,
  });
  const upstream = (req: PlainRequest): Promise<PlainResponse> => {
    const { numbers: asked, pad } = req.body as { numbers: string[]; pad?: number };
    const json = answers(asked, pad).sent;
    let text: string | undefined;
    return Promise.resolve({
      status: 200,
      headers: { 'content-type': 'application/json' },
      json,
      get body() {
        return (text ??= JSON.stringify(json));
      },
    });
  };
  const request = (token: string, asked: readonly string[], pad?: number): PlainRequest => ({
    method: 'POST',
    url: '/v1/contacts/discover',
    headers: { authorization: `Bearer ${token}` },
    remoteAddress: '198.51.100.7',
    body: { numbers: asked, ...(pad !== undefined ? { pad } : {}) },
  });
  const lookup = (token: string, asked: readonly string[], pad?: number) =>
    pipeline.handle(request(token, asked, pad), upstream);
  return { clock, pipeline, request, lookup };
}

describe('egress.perIdentityBytes in the pipeline', () => {
  it('refuses a caller once its answers pass the byte quota, and not another caller', async () => {
    const ten = numbers(0, 10);
    const size = answers(ten).receivedBytes;
    // Room for three and a half stripped answers; charged unstripped, the third would not fit.
    const quota = size * 3 + Math.floor(size / 2);
    assert.ok(Buffer.byteLength(JSON.stringify(answers(ten).sent)) * 3 > quota);
    const w = world(`      perIdentityBytes: { size: ${quota}b, per: 1d }`);
    for (let i = 0; i < 3; i++) {
      const res = await w.lookup('alice', ten);
      assert.equal(res.status, 200, `answer ${i + 1} fits the quota`);
      assert.equal(Buffer.byteLength(res.body), size, 'the stripped answer is what is sent');
    }
    const refused = await w.lookup('alice', ten);
    assert.equal(refused.status, 429);
    assert.equal(refused.json, undefined);
    const problem = JSON.parse(refused.body) as { code: string; detail: string };
    assert.equal(problem.code, 'quota-exceeded');
    assert.equal(problem.detail, 'too many bytes for this caller; retry later');
    assert.ok(Number(refused.headers['retry-after']) > 0);
    assert.doesNotMatch(refused.body, /acc-/, 'none of the answer leaks');

    assert.equal((await w.lookup('bob', ten)).status, 200, 'another caller has its own quota');
    // Half an answer's room was left: a smaller answer still fits, so the refusal charged nothing.
    assert.equal((await w.lookup('alice', numbers(0, 2))).status, 200);
    // The quota refills over its window (GCRA): a day on, the caller is served again.
    w.clock.advance(24 * HOUR);
    assert.equal((await w.lookup('alice', ten)).status, 200);
  });

  it('charges records and bytes all-or-nothing: an answer refused for bytes charges no records', async () => {
    const w = world('      perIdentity: { rate: 10/1d }\n      perIdentityBytes: { size: 1kb, per: 1d }');
    const big = await w.lookup('alice', numbers(0, 8), 2000);
    assert.equal(big.status, 429);
    assert.match(big.body, /too many bytes for this caller/);
    // Had the 8 records been charged, 10 more would pass the records quota of 10.
    assert.equal((await w.lookup('alice', numbers(0, 10))).status, 200);
    const more = await w.lookup('alice', numbers(10, 1));
    assert.equal(more.status, 429);
    assert.match(more.body, /too many records for this caller/);
  });

  it('measures only routes with a byte quota', async () => {
    const without = world('      perIdentity: { rate: 10/1d }');
    const verdict = await without.pipeline.admit(without.request('alice', numbers(0, 1)));
    assert.ok(verdict.allowed);
    assert.ok(verdict.plan !== undefined);
    assert.equal(verdict.plan.measureBytes, undefined);

    const withBytes = world('      perIdentityBytes: { size: 1mb, per: 1d }');
    const measured = await withBytes.pipeline.admit(withBytes.request('alice', numbers(0, 1)));
    assert.ok(measured.allowed);
    assert.equal(measured.plan?.measureBytes, true);
  });

  it('settles with the byte length of the body it then sends, and none without measureBytes', async () => {
    const w = world('      perIdentityBytes: { size: 1mb, per: 1d }');
    const verdict = await w.pipeline.admit(w.request('alice', numbers(0, 3)));
    assert.ok(verdict.allowed && verdict.plan !== undefined);
    const plan = verdict.plan;
    const { sent } = answers(numbers(0, 3));
    const outcomes: ResponseOutcome[] = [];
    const spy = { ...plan, settle: (o: ResponseOutcome) => (outcomes.push(o), plan.settle(o)) };
    const answer = { status: 200, headers: { 'content-type': 'application/json' }, json: sent, body: '' };

    const res = await w.pipeline.respond(spy, answer);
    assert.equal(res.status, 200);
    assert.equal(outcomes[0]?.bytes, Buffer.byteLength(res.body));
    assert.equal(outcomes[0]?.bytes, answers(numbers(0, 3)).receivedBytes);

    const unmeasured: ResponsePlan = { egress: spy.egress, settle: spy.settle };
    await w.pipeline.respond(unmeasured, answer);
    assert.equal(outcomes.length, 2);
    assert.equal('bytes' in (outcomes[1] ?? {}), false);
  });

  it('charges an unchanged answer its own body, multi-byte characters counted as bytes', async () => {
    const w = world('      perIdentityBytes: { size: 1mb, per: 1d }');
    const verdict = await w.pipeline.admit(w.request('alice', []));
    assert.ok(verdict.allowed && verdict.plan !== undefined);
    const plan = verdict.plan;
    const outcomes: ResponseOutcome[] = [];
    const spy = { ...plan, settle: (o: ResponseOutcome) => (outcomes.push(o), plan.settle(o)) };
    const body = '{"contacts":[],"note":"é→☎"}';
    const answer = { status: 200, headers: { 'content-type': 'application/json' }, body };
    const res = await w.pipeline.respond(spy, answer);
    assert.equal(res, answer, 'nothing to filter: the answer goes out as it came');
    assert.equal(outcomes[0]?.bytes, Buffer.byteLength(body));
    assert.ok(Buffer.byteLength(body) > body.length);
  });
});
