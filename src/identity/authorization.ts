/**
 * Reads `Authorization: <scheme> <credentials>` (RFC 9110 §11.6.2). The scheme is matched
 * case-insensitively (§11.1); the credentials are returned as sent, without surrounding spaces.
 */
import type { HeaderMap } from './types.ts';

/**
 * The credentials for `scheme` (e.g. "Bearer", matched in any case); undefined when there is no
 * Authorization header or it names another scheme; `{ detail }` when it cannot be used.
 */
export type AuthorizationLookup = string | undefined | { readonly detail: string };

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

export function authorizationCredentials(headers: HeaderMap, scheme: string): AuthorizationLookup {
  const raw = headers['authorization'];
  if (raw === undefined) return undefined;
  let value: string;
  if (typeof raw === 'string') value = raw;
  else if (raw.length === 1) value = raw[0]!;
  else if (raw.length === 0) return undefined;
  else return { detail: 'more than one Authorization header' };
  let start = 0;
  while (start < value.length && isSpace(value.charCodeAt(start))) start++;
  const end = start + scheme.length;
  if (value.length < end || value.slice(start, end).toLowerCase() !== scheme.toLowerCase()) return undefined;
  if (end < value.length && !isSpace(value.charCodeAt(end))) return undefined; // a longer scheme name
  const credentials = value.slice(end).trim();
  if (credentials.length === 0) return { detail: `empty ${scheme} credentials` };
  return credentials;
}
