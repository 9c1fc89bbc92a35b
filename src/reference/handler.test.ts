import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { manualClock } from '../core/clock.ts';
import { createReferenceHandler, type ReferenceRequest } from './handler.ts';
import { createPopulation } from './population/population.ts';
import { createReferenceService } from './service.ts';
import { formatE164 } from './e164.ts';

const population = createPopulation({ seed: 8, accounts: 5_000 });
const service = createReferenceService({ population, clock: manualClock(population.startMs), maxBatch: 50 });
const handle = createReferenceHandler(service);

function request(method: string, url: string, body?: unknown, token?: string): ReferenceRequest {
  return {
    method,
    url,
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { body }),
  };
}

function signUp(number: string): { accountId: string; token: string } {
  const res = handle(request('POST', '/v1/accounts', { number }));
  assert.equal(res.status, 201);
  return JSON.parse(res.body) as { accountId: string; token: string };
}

describe('createReferenceHandler', () => {
  it('registers, discovers and fetches a photo with HTTP semantics', () => {
    const { token } = signUp('+4915100000001');
    const owner = population.numberOf(1);
    const res = handle(request('POST', '/v1/contacts/discover?v=1', { numbers: [formatE164(owner)] }, token));
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    const { contacts } = JSON.parse(res.body) as { contacts: { accountId: string; photo?: string }[] };
    assert.equal(contacts[0]?.accountId, service.accountIdOf(1));
    const photo = handle(request('GET', `/v1/accounts/${service.accountIdOf(1)}/photo`, undefined, token));
    assert.equal(photo.status, contacts[0]?.photo === undefined ? 404 : 200);
  });

  it('accepts a raw JSON string body', () => {
    const { token } = signUp('+4915100000002');
    const res = handle(request('POST', '/v1/contacts/discover', '{"numbers":[]}', token));
    assert.equal(res.status, 200);
    assert.equal(res.body, '{"contacts":[]}');
  });

  it('answers errors as problem+json with a stable code', () => {
    const { token } = signUp('+4915100000003');
    const cases: [ReferenceRequest, number, string][] = [
      [request('POST', '/v1/contacts/discover', { numbers: [] }), 401, 'unauthenticated'],
      [request('POST', '/v1/contacts/discover', { numbers: [] }, 'bogus'), 401, 'unauthenticated'],
      [
        request('POST', '/v1/contacts/discover', { numbers: Array(51).fill('+4915100000009') }, token),
        413,
        'batch-too-large',
      ],
      [request('POST', '/v1/contacts/discover', { numbers: ['bad'] }, token), 400, 'bad-request'],
      [request('POST', '/v1/contacts/discover', '{not json', token), 400, 'bad-request'],
      [request('POST', '/v1/accounts', { number: 491510 }), 400, 'bad-request'],
      [request('GET', '/v1/contacts/discover', undefined, token), 405, 'method-not-allowed'],
      [request('GET', '/v2/anything'), 404, 'not-found'],
      [request('POST', '/v1/contacts/discover/delta', { numbers: [] }), 401, 'unauthenticated'],
      [
        request('POST', '/v1/contacts/discover/delta', { numbers: Array(51).fill('+4915100000009') }, token),
        413,
        'batch-too-large',
      ],
      [request('POST', '/v1/contacts/discover/delta', { numbers: ['bad'] }, token), 400, 'bad-request'],
      [request('POST', '/v1/contacts/discover/delta', '{not json', token), 400, 'bad-request'],
      [request('GET', '/v1/contacts/discover/delta', undefined, token), 405, 'method-not-allowed'],
    ];
    for (const [req, status, code] of cases) {
      const res = handle(req);
      assert.equal(res.status, status, `${req.method} ${req.url}`);
      assert.equal(res.headers['content-type'], 'application/problem+json');
      const body = JSON.parse(res.body) as { status: number; code: string };
      assert.equal(body.status, status);
      assert.equal(body.code, code);
    }
    const unauth = handle(request('POST', '/v1/contacts/discover', { numbers: [] }));
    assert.match(unauth.headers['www-authenticate'] ?? '', /^Bearer/);
    assert.equal(handle(request('DELETE', '/v1/accounts')).headers.allow, 'POST');
  });

  it('answers the delta endpoint with recent registrations and removals', () => {
    const { token } = signUp('+4915100000004');
    const day = 86_400_000;
    const now = population.startMs;
    let joined = -1;
    let left = -1;
    for (let a = 0; a < population.accountCount; a++) {
      const from = population.registeredAt(a);
      const until = population.unregisteredAt(a);
      if (joined < 0 && from > now - 10 * day && from <= now && until === Infinity) joined = a;
      if (left < 0 && until > now - 10 * day && until <= now) left = a;
    }
    const numbers = [joined, left, 1].map((a) => formatE164(population.numberOf(a)));
    const res = handle(request('POST', '/v1/contacts/discover/delta', { numbers }, token));
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    const body = JSON.parse(res.body) as {
      contacts: { number: string; accountId: string }[];
      removed: string[];
    };
    assert.deepEqual(
      body.contacts.map((c) => [c.number, c.accountId]),
      [[numbers[0], service.accountIdOf(joined)]],
    );
    assert.deepEqual(body.removed, [numbers[1]]);
  });

  it('reports health', () => {
    const res = handle(request('GET', '/healthz'));
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body), { status: 'ok' });
  });
});
