/**
 * JWT bearer tokens (RFC 7519, RFC 6750) verified with jose.
 *
 * Only the configured algorithms are accepted, and the key source fixes their family: a
 * shared secret verifies HS* only, a public key or JWKS verifies RS/PS/ES only. That closes
 * both classic holes: "alg": "none" and algorithm confusion (an HS256 token "signed" with the
 * RSA public key as HMAC secret). Time comes from the injected Clock, so expiry is testable
 * and the simulator can run tokens on virtual time.
 *
 * Signature checks cost tens of microseconds (RSA, ECDSA), far more than the rest of the
 * request path, so successful verifications are cached by token until the token expires.
 */
import { createPublicKey, createSecretKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { createLocalJWKSet, errors, jwtVerify } from 'jose';
import type { JWTPayload, JWTVerifyOptions } from 'jose';
import type { Clock } from '../core/clock.ts';
import { EnumguardError } from '../core/errors.ts';
import type { JwtAlgorithm, JwtConfig } from '../policy/types.ts';
import { authorizationCredentials } from './authorization.ts';
import { createLruCache } from './lru-cache.ts';
import { claimsToIdentity } from './jwt-claims.ts';
import type { CredentialResult, HeaderMap } from './types.ts';

export interface JwtVerifierOptions {
  /** Most verified tokens kept; default 10,000. 0 disables the cache. */
  readonly cacheSize?: number;
}

export interface JwtVerifier {
  verify(headers: HeaderMap): Promise<CredentialResult>;
}

/** Tokens without "exp" stay cached at most this long, so a reload or key rotation is seen soon. */
const MAX_CACHE_MS_WITHOUT_EXP = 10 * 60_000;
/** Longer bearer values are refused before any parsing; headers cap them anyway. */
const MAX_TOKEN_LENGTH = 8192;

const NONE: CredentialResult = { kind: 'none' };

function invalid(detail: string): CredentialResult {
  return { kind: 'invalid', detail };
}

type KeySource =
  | { readonly kind: 'key'; readonly key: KeyObject }
  | { readonly kind: 'jwks'; readonly jwks: ReturnType<typeof createLocalJWKSet> };

/** RFC 7518 §3.2: an HMAC key must be at least as long as the hash output. */
const HMAC_MIN_BYTES: Partial<Record<JwtAlgorithm, number>> = { HS256: 32, HS384: 48, HS512: 64 };
const EC_CURVES: Partial<Record<JwtAlgorithm, string>> = {
  ES256: 'prime256v1',
  ES384: 'secp384r1',
  ES512: 'secp521r1',
};

function configError(message: string, cause?: unknown): EnumguardError {
  return new EnumguardError('ERR_CONFIG', `jwt: ${message}`, cause === undefined ? undefined : { cause });
}

/** Builds the key source and refuses algorithm lists the key cannot honestly serve. */
function keySource(config: JwtConfig): KeySource {
  const algs = config.algorithms;
  if (algs.length === 0) throw configError('at least one algorithm is required');
  const hmac = algs.filter((a) => a.startsWith('HS'));
  if (config.key.kind === 'secret') {
    if (hmac.length !== algs.length) throw configError('a shared secret verifies HS256/HS384/HS512 only');
    const secret = Buffer.from(config.key.secret, 'utf8');
    for (const alg of hmac) {
      const min = HMAC_MIN_BYTES[alg] ?? 0;
      if (secret.length < min)
        throw configError(`${alg} needs a secret of at least ${min} bytes (RFC 7518 §3.2)`);
    }
    return { kind: 'key', key: createSecretKey(secret) };
  }
  if (hmac.length > 0) throw configError('HS* algorithms need a shared secret, not a public key or JWKS');
  if (config.key.kind === 'jwks') {
    try {
      return { kind: 'jwks', jwks: createLocalJWKSet({ keys: config.key.jwks.keys.map((k) => ({ ...k })) }) };
    } catch (err) {
      throw configError('the JWKS is not valid', err);
    }
  }
  let key: KeyObject;
  try {
    // createPublicKey reads SPKI public keys and X.509 certificates, synchronously, so a bad
    // PEM fails at startup rather than on the first request.
    key = createPublicKey(config.key.pem);
  } catch (err) {
    throw configError('the PEM is not a public key or certificate', err);
  }
  for (const alg of algs) {
    const type = key.asymmetricKeyType;
    const ok = alg.startsWith('ES')
      ? type === 'ec' && key.asymmetricKeyDetails?.namedCurve === EC_CURVES[alg]
      : alg.startsWith('PS')
        ? type === 'rsa' || type === 'rsa-pss'
        : type === 'rsa';
    if (!ok) throw configError(`${alg} cannot be verified with this ${type ?? 'unknown'} key`);
  }
  return { kind: 'key', key };
}

/** A client-safe reason for a jose error: fixed text, never token content. */
function describe(err: errors.JOSEError): string {
  switch (err.code) {
    case 'ERR_JWT_EXPIRED':
      return 'token expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
      const claim = (err as errors.JWTClaimValidationFailed).claim;
      if (claim === 'nbf') return 'token not yet valid';
      if (claim === 'exp' && (err as errors.JWTClaimValidationFailed).reason === 'missing')
        return 'token has no "exp" claim; tokens must expire';
      return ['iss', 'aud', 'sub', 'iat', 'typ'].includes(claim)
        ? `token "${claim}" claim check failed`
        : 'token claims check failed';
    }
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return 'token algorithm not allowed';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'token signature invalid';
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return 'no key matches the token';
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return 'more than one key matches the token; set "kid"';
    default:
      return 'malformed token';
  }
}

export function createJwtVerifier(
  config: JwtConfig,
  clock: Clock,
  options: JwtVerifierOptions = {},
): JwtVerifier {
  const source = keySource(config);
  const toleranceMs = config.clockToleranceMs;
  const cache = createLruCache<CredentialResult>(options.cacheSize ?? 10_000);
  // Concurrent requests with the same fresh token share one verification.
  const inFlight = new Map<string, Promise<CredentialResult>>();

  function verifyOptions(now: number): JWTVerifyOptions {
    return {
      algorithms: [...config.algorithms],
      clockTolerance: toleranceMs / 1000,
      currentDate: new Date(now),
      // RFC 7519 §4.1.4 makes "exp" optional; a token without it would be valid forever.
      ...(config.requireExp ? { requiredClaims: ['exp'] } : {}),
      ...(config.issuer === undefined ? {} : { issuer: config.issuer }),
      ...(config.audience === undefined ? {} : { audience: config.audience }),
    };
  }

  async function verifyToken(token: string, now: number): Promise<CredentialResult> {
    let payload: JWTPayload;
    try {
      const opts = verifyOptions(now);
      ({ payload } =
        source.kind === 'key'
          ? await jwtVerify(token, source.key, opts)
          : await jwtVerify(token, source.jwks, opts));
    } catch (err) {
      if (err instanceof errors.JOSEError) return invalid(describe(err));
      throw err;
    }
    const identity = claimsToIdentity(payload, config.identityClaim, config.scopesClaim);
    if (typeof identity === 'string') return invalid(identity);
    const result: CredentialResult = Object.freeze({ kind: 'ok', identity });
    const expiresAt =
      typeof payload.exp === 'number' ? payload.exp * 1000 + toleranceMs : now + MAX_CACHE_MS_WITHOUT_EXP;
    const validFrom = typeof payload.nbf === 'number' ? payload.nbf * 1000 - toleranceMs : -Infinity;
    cache.set(token, result, validFrom, expiresAt);
    return result;
  }

  return {
    async verify(headers) {
      const token = authorizationCredentials(headers, 'Bearer');
      if (token === undefined) return NONE;
      if (typeof token !== 'string') return invalid(token.detail);
      if (token.length > MAX_TOKEN_LENGTH) return invalid('token too long');
      const now = clock.now();
      const hit = cache.get(token, now);
      if (hit !== undefined) return hit;
      const pending = inFlight.get(token);
      if (pending !== undefined) return pending;
      const promise = verifyToken(token, now).finally(() => inFlight.delete(token));
      inFlight.set(token, promise);
      return promise;
    },
  };
}
