/**
 * Who is calling: an API key first, then a JWT bearer token, else anonymous.
 *
 * A credential that is presented but fails is an error, not a reason to try the next kind
 * or to fall back to anonymous: a client with a bad key must hear why, and must never be
 * treated more kindly than one without a key (routes with `auth: optional` would otherwise
 * let a bad credential pass as anonymous without the caller noticing).
 */
import type { Clock } from '../core/clock.ts';
import type { IdentitiesConfig } from '../policy/types.ts';
import { createApiKeyVerifier } from './api-keys.ts';
import { createJwtVerifier } from './jwt.ts';
import type { JwtVerifierOptions } from './jwt.ts';
import type { CredentialResult, HeaderMap, IdentifyResult } from './types.ts';

export interface Identifier {
  /** Synchronous for API keys and anonymous callers; a promise only when a JWT is verified. */
  identify(headers: HeaderMap): IdentifyResult | Promise<IdentifyResult>;
}

export interface IdentifierOptions {
  readonly jwt?: JwtVerifierOptions;
}

const ANONYMOUS: IdentifyResult = Object.freeze({ kind: 'anonymous' });

function toResult(r: CredentialResult): IdentifyResult | undefined {
  if (r.kind === 'ok') return { kind: 'identified', identity: r.identity };
  if (r.kind === 'invalid') return r;
  return undefined;
}

/** Builds the verifiers once; throws EnumguardError ERR_CONFIG for unusable key material. */
export function createIdentifier(
  config: IdentitiesConfig,
  clock: Clock,
  options: IdentifierOptions = {},
): Identifier {
  const apiKeys = config.apiKeys === undefined ? undefined : createApiKeyVerifier(config.apiKeys);
  const jwt = config.jwt === undefined ? undefined : createJwtVerifier(config.jwt, clock, options.jwt ?? {});
  return {
    identify(headers) {
      if (apiKeys !== undefined) {
        const r = toResult(apiKeys.verify(headers));
        if (r !== undefined) return r;
      }
      if (jwt !== undefined) return jwt.verify(headers).then((r) => toResult(r) ?? ANONYMOUS);
      return ANONYMOUS;
    },
  };
}
