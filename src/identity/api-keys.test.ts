import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createApiKeyVerifier } from './api-keys.ts';
import { isEnumguardError } from '../core/errors.ts';
import type { ApiKeysConfig } from '../policy/types.ts';

const sha256 = (key: string) => createHash('sha256').update(key).digest('hex');

const CONFIG: ApiKeysConfig = {
  header: 'X-Api-Key',
  keys: [
    { id: 'alice', sha256: sha256('demo-key-alice'), scopes: ['contacts:discover', 'profile:read'] },
    { id: 'bob', sha256: sha256('demo-key-bob').toUpperCase(), scopes: [] },
  ],
};

describe('createApiKeyVerifier', () => {
  const verifier = createApiKeyVerifier(CONFIG);

  it('identifies a known key sent in the configured header', () => {
    const r = verifier.verify({ 'x-api-key': 'demo-key-alice' });
    assert.equal(r.kind, 'ok');
    assert.ok(r.kind === 'ok');
    assert.equal(r.identity.kind, 'api-key');
    assert.equal(r.identity.id, 'alice');
    assert.deepEqual([...r.identity.scopes], ['contacts:discover', 'profile:read']);
    assert.deepEqual(r.identity.claims, {});
  });

  it('matches the example policy hash of "demo-key-alice"', () => {
    assert.equal(
      sha256('demo-key-alice'),
      'f80024220afd493b4d9592af870de7afe98061992d28fdb75480c9b717783fa2',
    );
  });

  it('identifies a key sent as Authorization: ApiKey, scheme in any case', () => {
    for (const auth of ['ApiKey demo-key-bob', 'apikey   demo-key-bob ', 'APIKEY demo-key-bob']) {
      const r = verifier.verify({ authorization: auth });
      assert.ok(r.kind === 'ok', auth);
      assert.equal(r.identity.id, 'bob');
    }
  });

  it('says none when no key is sent or Authorization holds another scheme', () => {
    assert.deepEqual(verifier.verify({}), { kind: 'none' });
    assert.deepEqual(verifier.verify({ authorization: 'Bearer abc.def.ghi' }), { kind: 'none' });
    assert.deepEqual(verifier.verify({ authorization: 'ApiKeys demo-key-bob' }), { kind: 'none' });
  });

  it('refuses unknown, empty, repeated and doubly sent keys without echoing them', () => {
    const cases = [
      [{ 'x-api-key': 'guess-123' }, 'unknown API key'],
      [{ 'x-api-key': 'x'.repeat(5000) }, 'unknown API key'],
      [{ 'x-api-key': '  ' }, 'empty API key'],
      [{ authorization: 'ApiKey ' }, 'empty ApiKey credentials'],
      [{ 'x-api-key': ['demo-key-alice', 'demo-key-bob'] }, 'more than one x-api-key header'],
      [
        { authorization: ['ApiKey demo-key-bob', 'ApiKey demo-key-bob'] },
        'more than one Authorization header',
      ],
      [
        { 'x-api-key': 'demo-key-alice', authorization: 'ApiKey demo-key-bob' },
        'API key sent both in x-api-key and in Authorization',
      ],
    ] as const;
    for (const [headers, detail] of cases) {
      assert.deepEqual(verifier.verify(headers), { kind: 'invalid', detail });
    }
  });

  it('refuses a malformed or duplicated hash, which compilePolicy refuses first (so: a bug)', () => {
    const bad = (keys: ApiKeysConfig['keys']) => () => createApiKeyVerifier({ header: 'x-api-key', keys });
    assert.throws(bad([{ id: 'a', sha256: 'abc', scopes: [] }]), (e) => isEnumguardError(e, 'ERR_INTERNAL'));
    const h = sha256('k');
    assert.throws(
      bad([
        { id: 'a', sha256: h, scopes: [] },
        { id: 'b', sha256: h.toUpperCase(), scopes: [] },
      ]),
      /"a" and "b" have the same sha256/,
    );
  });
});
