/**
 * Turns a verified JWT claims set into an Identity: the id from the configured claim, the
 * scopes from a space-separated string (RFC 8693 §4.2 "scope") or an array of strings (as
 * some identity providers send "scp" or "roles").
 */
import type { JWTPayload } from 'jose';
import type { Identity } from './types.ts';

/** The identity, or a client-safe reason why the claims cannot make one. */
export function claimsToIdentity(
  payload: JWTPayload,
  identityClaim: string,
  scopesClaim: string,
): Identity | string {
  const rawId = payload[identityClaim];
  let id: string;
  if (typeof rawId === 'string' && rawId.length > 0) id = rawId;
  else if (typeof rawId === 'number' && Number.isFinite(rawId)) id = String(rawId);
  else return `token has no usable "${identityClaim}" claim`;

  const rawScopes = payload[scopesClaim];
  const scopes = new Set<string>();
  if (typeof rawScopes === 'string') {
    for (const s of rawScopes.split(/[ \t]+/)) if (s.length > 0) scopes.add(s);
  } else if (Array.isArray(rawScopes)) {
    for (const s of rawScopes as unknown[]) {
      if (typeof s !== 'string') return `token "${scopesClaim}" claim must hold strings`;
      if (s.length > 0) scopes.add(s);
    }
  } else if (rawScopes !== undefined) {
    return `token "${scopesClaim}" claim must be a string or an array of strings`;
  }

  return Object.freeze({ kind: 'jwt', id, scopes, claims: Object.freeze({ ...payload }) });
}
