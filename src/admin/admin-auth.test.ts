import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { cookieValue, createAdminAuth, SESSION_TTL_MS } from './admin-auth.ts';

const req = (headers: Record<string, string>): IncomingMessage => ({ headers }) as unknown as IncomingMessage;
const TOKEN = 'a-long-admin-token-0123456789';

describe('admin auth', () => {
  it('takes the bearer token in any case of the scheme, and nothing else', () => {
    const auth = createAdminAuth(TOKEN);
    assert.deepEqual(auth.caller(req({ authorization: `Bearer ${TOKEN}` }), 0), { kind: 'bearer' });
    assert.deepEqual(auth.caller(req({ authorization: `bearer ${TOKEN}` }), 0), { kind: 'bearer' });
    for (const wrong of [
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(1)}`,
      `Basic ${TOKEN}`,
      'Bearer',
      `Bearer  `,
    ]) {
      assert.equal(auth.caller(req({ authorization: wrong }), 0), undefined, wrong);
    }
    assert.equal(auth.caller(req({}), 0), undefined);
  });

  it('a session lasts its TTL, ends at logout, and its CSRF token must come with a same-origin change', () => {
    const auth = createAdminAuth(TOKEN);
    const { id, csrf } = auth.login(1000);
    const cookie = `other=1; enumguard_admin=${id}`;
    const caller = auth.caller(req({ cookie }), 1000 + SESSION_TTL_MS - 1);
    assert.deepEqual(caller, { kind: 'session', csrf, id });
    assert.equal(auth.caller(req({ cookie }), 1000 + SESSION_TTL_MS), undefined, 'expired');
    const fresh = auth.login(0);
    const c2 = auth.caller(req({ cookie: `enumguard_admin=${fresh.id}` }), 0);
    const change = (headers: Record<string, string>) =>
      auth.csrfProblem(req({ host: 'a:1', ...headers }), c2);
    assert.equal(change({ 'x-csrf-token': fresh.csrf, 'sec-fetch-site': 'same-origin' }), undefined);
    assert.equal(change({ 'x-csrf-token': fresh.csrf, origin: 'http://a:1' }), undefined);
    assert.match(change({ 'x-csrf-token': fresh.csrf, 'sec-fetch-site': 'same-site' }) ?? '', /this origin/);
    assert.match(change({ 'x-csrf-token': fresh.csrf, origin: 'http://b:1' }) ?? '', /this origin/);
    assert.match(change({ 'sec-fetch-site': 'same-origin' }) ?? '', /CSRF token/);
    assert.match(
      change({ 'x-csrf-token': csrf, 'sec-fetch-site': 'same-origin' }) ?? '',
      /CSRF token/,
      "another session's",
    );
    assert.equal(auth.csrfProblem(req({}), { kind: 'bearer' }), undefined, 'bearer calls need no CSRF token');
    auth.logout(fresh.id);
    assert.equal(auth.caller(req({ cookie: `enumguard_admin=${fresh.id}` }), 0), undefined);
  });

  it('reads one cookie among others', () => {
    assert.equal(cookieValue('a=1; enumguard_admin=xyz; b=2', 'enumguard_admin'), 'xyz');
    assert.equal(cookieValue('enumguard_adminx=1', 'enumguard_admin'), undefined);
    assert.equal(cookieValue(undefined, 'enumguard_admin'), undefined);
  });
});
