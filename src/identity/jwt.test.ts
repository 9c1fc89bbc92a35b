import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair } from 'jose';
import type { CryptoKey, JWTPayload } from 'jose';
import { manualClock } from '../core/clock.ts';
import { isEnumguardError } from '../core/errors.ts';
import type { JwtConfig } from '../policy/types.ts';
import { createJwtVerifier } from './jwt.ts';
import type { CredentialResult } from './types.ts';

const T0 = Date.parse('2025-06-01T00:00:00Z');
const SEC = Math.floor(T0 / 1000);
const SECRET = 'a-test-secret-that-is-at-least-32-bytes-long';
const ISS = 'https://auth.example.com';
const AUD = 'contacts-api';

function base(over: Partial<JwtConfig> = {}): JwtConfig {
  return {
    algorithms: ['HS256'],
    key: { kind: 'secret', secret: SECRET },
    issuer: ISS,
    audience: AUD,
    clockToleranceMs: 30_000,
    identityClaim: 'sub',
    scopesClaim: 'scope',
    requireExp: true,
    ...over,
  };
}

interface SignOptions {
  alg?: string;
  kid?: string;
  claims?: JWTPayload;
  iss?: string;
  aud?: string;
  exp?: number | null;
  nbf?: number;
}

async function sign(key: CryptoKey | Uint8Array, o: SignOptions = {}): Promise<string> {
  const jwt = new SignJWT({ sub: 'user-1', scope: 'contacts:discover profile:read', ...o.claims })
    .setProtectedHeader({ alg: o.alg ?? 'HS256', ...(o.kid === undefined ? {} : { kid: o.kid }) })
    .setIssuer(o.iss ?? ISS)
    .setAudience(o.aud ?? AUD)
    .setIssuedAt(SEC);
  if (o.exp !== null) jwt.setExpirationTime(o.exp ?? SEC + 3600);
  if (o.nbf !== undefined) jwt.setNotBefore(o.nbf);
  return jwt.sign(key);
}

const secretBytes = new TextEncoder().encode(SECRET);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

function detail(r: CredentialResult): string {
  assert.equal(r.kind, 'invalid');
  return r.kind === 'invalid' ? r.detail : '';
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('createJwtVerifier', () => {
  let rsa: { publicKey: CryptoKey; privateKey: CryptoKey };
  let ec: { publicKey: CryptoKey; privateKey: CryptoKey };
  let rsaPem: string;
  let ecPem: string;

  before(async () => {
    rsa = await generateKeyPair('RS256', { extractable: true });
    ec = await generateKeyPair('ES256', { extractable: true });
    rsaPem = await exportSPKI(rsa.publicKey);
    ecPem = await exportSPKI(ec.publicKey);
  });

  it('identifies an HS256 token: id from sub, scopes from a space-separated string, claims kept', async () => {
    const v = createJwtVerifier(base(), manualClock(T0));
    const r = await v.verify(bearer(await sign(secretBytes, { claims: { tenant: 'acme' } })));
    assert.ok(r.kind === 'ok');
    assert.equal(r.identity.kind, 'jwt');
    assert.equal(r.identity.id, 'user-1');
    assert.deepEqual([...r.identity.scopes], ['contacts:discover', 'profile:read']);
    assert.equal(r.identity.claims['tenant'], 'acme');
  });

  it('identifies RS256 and ES256 tokens with a PEM public key', async () => {
    const rs = createJwtVerifier(
      base({ algorithms: ['RS256'], key: { kind: 'pem', pem: rsaPem } }),
      manualClock(T0),
    );
    assert.equal((await rs.verify(bearer(await sign(rsa.privateKey, { alg: 'RS256' })))).kind, 'ok');
    const es = createJwtVerifier(
      base({ algorithms: ['ES256'], key: { kind: 'pem', pem: ecPem } }),
      manualClock(T0),
    );
    assert.equal((await es.verify(bearer(await sign(ec.privateKey, { alg: 'ES256' })))).kind, 'ok');
  });

  it('picks the key from a local JWKS by kid and refuses an unknown kid', async () => {
    const keys = [
      { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256' },
      { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256' },
    ];
    const v = createJwtVerifier(
      base({ algorithms: ['RS256', 'ES256'], key: { kind: 'jwks', jwks: { keys } } }),
      manualClock(T0),
    );
    assert.equal(
      (await v.verify(bearer(await sign(ec.privateKey, { alg: 'ES256', kid: 'ec-1' })))).kind,
      'ok',
    );
    assert.equal(
      (await v.verify(bearer(await sign(rsa.privateKey, { alg: 'RS256', kid: 'rsa-1' })))).kind,
      'ok',
    );
    const stray = await sign(rsa.privateKey, { alg: 'RS256', kid: 'rsa-2' });
    assert.equal(detail(await v.verify(bearer(stray))), 'no key matches the token');
  });

  it('refuses an expired token, honouring the clock tolerance', async () => {
    const clock = manualClock(T0);
    const v = createJwtVerifier(base({ clockToleranceMs: 30_000 }), clock, { cacheSize: 0 });
    const token = await sign(secretBytes, { exp: SEC + 60 });
    clock.set(T0 + 89_000);
    assert.equal((await v.verify(bearer(token))).kind, 'ok');
    clock.set(T0 + 91_000);
    assert.equal(detail(await v.verify(bearer(token))), 'token expired');
  });

  it('drops a cached token once it expires', async () => {
    const clock = manualClock(T0);
    const v = createJwtVerifier(base({ clockToleranceMs: 0 }), clock);
    const token = await sign(secretBytes, { exp: SEC + 60 });
    const first = await v.verify(bearer(token));
    assert.equal(await v.verify(bearer(token)), first, 'the second call is served from the cache');
    clock.advance(60_000);
    assert.equal(detail(await v.verify(bearer(token))), 'token expired');
  });

  it('refuses a token without exp unless requireExp is false', async () => {
    const token = await sign(secretBytes, { exp: null });
    const strict = createJwtVerifier(base(), manualClock(T0));
    assert.equal(detail(await strict.verify(bearer(token))), 'token has no "exp" claim; tokens must expire');
    const lax = createJwtVerifier(base({ requireExp: false }), manualClock(T0));
    assert.equal((await lax.verify(bearer(token))).kind, 'ok');
  });

  it('refuses a token whose exp is not a number as malformed, not as missing', async () => {
    const v = createJwtVerifier(base(), manualClock(T0));
    const token = await sign(secretBytes, { exp: null, claims: { exp: 'never' } as unknown as JWTPayload });
    assert.equal(detail(await v.verify(bearer(token))), 'token claims check failed');
  });

  it('refuses a token before its nbf', async () => {
    const v = createJwtVerifier(base({ clockToleranceMs: 0 }), manualClock(T0));
    assert.equal(
      detail(await v.verify(bearer(await sign(secretBytes, { nbf: SEC + 10 })))),
      'token not yet valid',
    );
  });

  it('refuses a wrong issuer or audience', async () => {
    const v = createJwtVerifier(base(), manualClock(T0));
    assert.equal(
      detail(await v.verify(bearer(await sign(secretBytes, { iss: 'https://evil.example' })))),
      'token "iss" claim check failed',
    );
    assert.equal(
      detail(await v.verify(bearer(await sign(secretBytes, { aud: 'other-api' })))),
      'token "aud" claim check failed',
    );
  });

  it('refuses an unsigned "alg": "none" token', async () => {
    const v = createJwtVerifier(base(), manualClock(T0));
    const none = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ sub: 'admin', iss: ISS, aud: AUD, exp: SEC + 60 })}.`;
    assert.equal(detail(await v.verify(bearer(none))), 'token algorithm not allowed');
  });

  it('refuses an HS256 token signed with the RSA public key when only RS256 is allowed', async () => {
    const v = createJwtVerifier(
      base({ algorithms: ['RS256'], key: { kind: 'pem', pem: rsaPem } }),
      manualClock(T0),
    );
    const forged = await sign(new TextEncoder().encode(rsaPem), { alg: 'HS256', claims: { sub: 'admin' } });
    assert.equal(detail(await v.verify(bearer(forged))), 'token algorithm not allowed');
  });

  it('refuses a token whose payload was tampered with', async () => {
    const v = createJwtVerifier(base(), manualClock(T0));
    const [header, , signature] = (await sign(secretBytes)).split('.');
    const payload = b64url({ sub: 'admin', scope: 'everything', iss: ISS, aud: AUD, exp: SEC + 60 });
    assert.equal(
      detail(await v.verify(bearer(`${header}.${payload}.${signature}`))),
      'token signature invalid',
    );
  });

  it('refuses garbage without echoing it', async () => {
    const v = createJwtVerifier(base(), manualClock(T0));
    for (const token of ['abc', 'a.b.c', '...', 'eyJ.eyJ.x']) {
      const d = detail(await v.verify(bearer(token)));
      assert.ok(!d.includes(token), d);
    }
    assert.equal(detail(await v.verify(bearer('x'.repeat(9000)))), 'token too long');
    assert.equal(detail(await v.verify({ authorization: 'Bearer   ' })), 'empty Bearer credentials');
  });

  it('says none without a Bearer token', async () => {
    const v = createJwtVerifier(base(), manualClock(T0));
    assert.deepEqual(await v.verify({}), { kind: 'none' });
    assert.deepEqual(await v.verify({ authorization: 'ApiKey k' }), { kind: 'none' });
  });

  it('reads the identity and scopes from configured claims, scopes as an array', async () => {
    const v = createJwtVerifier(base({ identityClaim: 'uid', scopesClaim: 'scp' }), manualClock(T0));
    const r = await v.verify(bearer(await sign(secretBytes, { claims: { uid: 42, scp: ['a', 'b'] } })));
    assert.ok(r.kind === 'ok');
    assert.equal(r.identity.id, '42');
    assert.deepEqual([...r.identity.scopes], ['a', 'b']);
  });

  it('refuses tokens without a usable identity or with malformed scopes', async () => {
    const v = createJwtVerifier(base(), manualClock(T0));
    assert.equal(
      detail(await v.verify(bearer(await sign(secretBytes, { claims: { sub: '' } })))),
      'token has no usable "sub" claim',
    );
    assert.equal(
      detail(await v.verify(bearer(await sign(secretBytes, { claims: { scope: [1, 2] } })))),
      'token "scope" claim must hold strings',
    );
  });

  it('shares one verification between concurrent requests with the same token', async () => {
    const v = createJwtVerifier(base(), manualClock(T0));
    const token = await sign(secretBytes);
    const [a, b] = await Promise.all([v.verify(bearer(token)), v.verify(bearer(token))]);
    assert.equal(a, b);
    assert.equal(a.kind, 'ok');
  });

  it('refuses configurations that invite algorithm confusion or weak keys', () => {
    const isConfig = (e: unknown) => isEnumguardError(e, 'ERR_CONFIG');
    assert.throws(() => createJwtVerifier(base({ algorithms: ['RS256'] }), manualClock()), isConfig);
    assert.throws(
      () =>
        createJwtVerifier(
          base({ algorithms: ['HS256', 'RS256'], key: { kind: 'pem', pem: rsaPem } }),
          manualClock(),
        ),
      isConfig,
    );
    assert.throws(
      () => createJwtVerifier(base({ key: { kind: 'secret', secret: 'short' } }), manualClock()),
      /32 bytes/,
    );
    assert.throws(
      () =>
        createJwtVerifier(base({ algorithms: ['RS256'], key: { kind: 'pem', pem: ecPem } }), manualClock()),
      /RS256 cannot be verified with this ec key/,
    );
    assert.throws(
      () =>
        createJwtVerifier(base({ algorithms: ['ES384'], key: { kind: 'pem', pem: ecPem } }), manualClock()),
      isConfig,
    );
    assert.throws(
      () =>
        createJwtVerifier(base({ algorithms: ['RS256'], key: { kind: 'pem', pem: 'nope' } }), manualClock()),
      isConfig,
    );
    assert.throws(() => createJwtVerifier(base({ algorithms: [] }), manualClock()), isConfig);
  });
});
