import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { RawIssue } from './issues.ts';
import type { JwtDocument } from './schema.ts';
import type { JwtAlgorithm, JwtConfig } from './types.ts';
import { fsReason } from './fs-reason.ts';
import { isPlainObject, type PathSegment } from './values.ts';

/**
 * Resolves the JWT verification key: exactly one of `secret`, `publicKey`, `publicKeyFile`
 * or `jwksFile`, matched to the algorithms. Files are read here, once, relative to the
 * policy file's directory, so a missing key file fails `enumguard check`, not the first request.
 */
const SOURCES = ['secret', 'publicKey', 'publicKeyFile', 'jwksFile'] as const;
type Source = (typeof SOURCES)[number];

// RFC 7518 §3.2: an HMAC key must be at least as long as the hash output.
const MIN_SECRET_BYTES: Partial<Record<JwtAlgorithm, number>> = { HS256: 32, HS384: 48, HS512: 64 };

export function resolveJwtKey(
  jwt: JwtDocument,
  path: readonly PathSegment[],
  /** undefined: key files are not read (compilePolicy's skipExternal). */
  baseDir: string | undefined,
  issues: RawIssue[],
): JwtConfig['key'] | undefined {
  const set = SOURCES.filter((s) => jwt[s] !== undefined);
  const [source] = set;
  if (source === undefined || set.length > 1) {
    issues.push({
      path,
      message:
        `set exactly one of secret, publicKey, publicKeyFile or jwksFile` +
        (set.length > 1 ? `, got ${set.join(' and ')}` : ''),
    });
    return undefined;
  }
  const at = [...path, source];
  const hmac = jwt.algorithms.filter((a) => a.startsWith('HS'));
  const asymmetric = jwt.algorithms.filter((a) => !a.startsWith('HS'));
  if (source === 'secret') {
    const [first] = asymmetric;
    if (first !== undefined) {
      issues.push({
        path: at,
        message: `${first} verifies with a public key: use publicKey, publicKeyFile or jwksFile (a secret works only with HS256, HS384 or HS512)`,
      });
      return undefined;
    }
    return checkSecret(jwt.secret ?? '', hmac, at, issues);
  }
  const [firstHmac] = hmac;
  if (firstHmac !== undefined) {
    issues.push({
      path: at,
      message: `${firstHmac} verifies with a shared secret: use secret (${source} works only with RS*, PS* or ES* algorithms)`,
    });
    return undefined;
  }
  return readAsymmetric(jwt, source, at, baseDir, issues);
}

function checkSecret(
  secret: string,
  algorithms: readonly JwtAlgorithm[],
  at: readonly PathSegment[],
  issues: RawIssue[],
): JwtConfig['key'] | undefined {
  const bytes = Buffer.byteLength(secret, 'utf8');
  for (const alg of algorithms) {
    const min = MIN_SECRET_BYTES[alg] ?? 32;
    if (bytes < min) {
      // The secret itself is never echoed, only its length.
      issues.push({
        path: at,
        message: `secret must be at least ${min} bytes for ${alg} (RFC 7518 §3.2), got ${bytes}`,
      });
      return undefined;
    }
  }
  return { kind: 'secret', secret };
}

function readAsymmetric(
  jwt: JwtDocument,
  source: Exclude<Source, 'secret'>,
  at: readonly PathSegment[],
  baseDir: string | undefined,
  issues: RawIssue[],
): JwtConfig['key'] | undefined {
  let text = jwt.publicKey ?? '';
  if (source !== 'publicKey') {
    // Not read, not checked: a stand-in that verifies nothing (the policy is never run so).
    if (baseDir === undefined)
      return source === 'jwksFile' ? { kind: 'jwks', jwks: { keys: [] } } : { kind: 'pem', pem: '' };
    const given = jwt[source] ?? '';
    try {
      text = readFileSync(resolve(baseDir, given), 'utf8');
    } catch (err) {
      issues.push({ path: at, message: `cannot read ${JSON.stringify(given)}: ${fsReason(err)}` });
      return undefined;
    }
  }
  if (source === 'jwksFile') return parseJwks(text, jwt[source] ?? '', at, issues);
  let type: string | undefined;
  try {
    type = createPublicKey(text).asymmetricKeyType;
  } catch {
    // OpenSSL's reason ("DECODER routines::unsupported") helps nobody; say what was expected.
    issues.push({
      path: at,
      message: 'expected a PEM public key starting with "-----BEGIN PUBLIC KEY-----"',
    });
    return undefined;
  }
  for (const alg of jwt.algorithms) {
    const needed = alg.startsWith('ES') ? ['ec'] : alg.startsWith('PS') ? ['rsa', 'rsa-pss'] : ['rsa'];
    if (type === undefined || !needed.includes(type)) {
      issues.push({
        path: at,
        message: `${alg} needs ${alg.startsWith('ES') ? 'an EC' : 'an RSA'} public key, got a key of type ${type ?? 'unknown'}`,
      });
      return undefined;
    }
  }
  return { kind: 'pem', pem: text };
}

function parseJwks(
  text: string,
  file: string,
  at: readonly PathSegment[],
  issues: RawIssue[],
): JwtConfig['key'] | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON.parse's message: it quotes the text ('"DB_PASSWOR"... is not valid JSON'), and a
    // policy checked through the admin API may name any file the gateway can read.
    issues.push({
      path: at,
      message: `expected a JSON Web Key Set (RFC 7517 §5): ${JSON.stringify(file)} is not JSON`,
    });
    return undefined;
  }
  const keys = isPlainObject(json) ? json['keys'] : undefined;
  if (!Array.isArray(keys) || keys.length === 0 || !keys.every(isPlainObject)) {
    issues.push({
      path: at,
      message: 'expected a JSON Web Key Set (RFC 7517 §5): { "keys": [ {...}, ... ] } with at least one key',
    });
    return undefined;
  }
  return { kind: 'jwks', jwks: { keys } };
}
