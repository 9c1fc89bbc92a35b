import type { CompiledLimit, LimitKey } from '../policy/types.ts';
import { addressKey, prefixKey } from '../identity/cidr.ts';
import { identityKey } from '../identity/identity-key.ts';
import type { Caller, HeaderMap } from './types.ts';

/** Header values and claims come from the client: keep keys bounded whatever it sends. */
const MAX_VALUE_LENGTH = 256;

/**
 * The store key of one limit for one request: "<limit id>:<partition>".
 *   identity     the identity, namespaced by kind ("key:alice", "jwt:alice": identity-key.ts);
 *                anonymous callers fall back to their address key
 *                ("anon:1.2.3.4", "anon:2001:db8:1:2::/64")
 *   ip           the client's address key: an IPv4 address, an IPv6 /64, an IPv6 address
 *                carrying an IPv4 one (mapped, compatible, NAT64, 6to4) as that IPv4
 *                (identity/cidr.ts addressKey)
 *   ipv4/N ...   the client's network prefix ("1.2.3.0/24", "2001:db8:1:2::/64"), so rotating
 *                addresses inside one prefix share a bucket
 *   route        one bucket for the route's limit, shared by all callers
 *   global       one bucket per limit id shared by every route that declares it
 *   header       the header's value, canonical (missing: one shared "" bucket)
 *   claim        a JWT claim's value (missing or anonymous: "")
 *   account      the session's account ("acct:<fingerprint>"), or the session itself while it
 *                is not bound to one ("session:<fingerprint>"); see pipeline/accounts/
 */
export function limitKey(limit: CompiledLimit, caller: Caller, headers: HeaderMap): string {
  const id = limit.spec.id;
  const key = limit.key;
  switch (key.kind) {
    case 'route':
      return id;
    case 'global':
      return `global:${id.slice(id.indexOf('/') + 1)}`;
    default:
      return `${id}:${keyValue(key, caller, headers)}`;
  }
}

/**
 * The caller's value for a per-caller key: what limitKey puts after the limit's id, and the
 * risk identity (RiskPolicy.identity). Route and global keys have no per-caller value: "".
 */
export function keyValue(key: LimitKey, caller: Caller, headers: HeaderMap): string {
  switch (key.kind) {
    case 'identity':
      return caller.identity ? identityKey(caller.identity) : `anon:${addressKey(caller.ip)}`;
    case 'ip':
      return addressKey(caller.ip);
    case 'ip-prefix':
      return prefixKey(caller.ip, key.v4, key.v6);
    case 'header':
      return headerKeyValue(key.name, headerValue(headers[key.name]));
    case 'claim':
      return bounded(claimValue(caller.identity?.claims[key.name]));
    case 'account':
      return caller.account ?? '';
    case 'route':
    case 'global':
      return '';
  }
}

/** A header's value as a key: canonical and bounded (what a `{ header }` key reads). */
export function headerKeyValue(name: string, value: string): string {
  return bounded(canonicalHeader(name, value));
}

function headerValue(v: string | string[] | undefined): string {
  if (v === undefined) return '';
  return Array.isArray(v) ? v.join(',') : v;
}

/**
 * One spelling per meaning, so a client cannot get a fresh bucket by respelling a header the
 * upstream reads the same way: surrounding whitespace is not part of a field value and runs
 * of it mean one space (RFC 9110 §5.5), and an authentication scheme is case-insensitive
 * (RFC 9110 §11.1): "bearer  T " and "Bearer T" name one account.
 */
function canonicalHeader(name: string, value: string): string {
  const text = value.trim().replace(/\s+/g, ' ');
  if (name !== 'authorization' && name !== 'proxy-authorization') return text;
  const space = text.indexOf(' ');
  return space < 0 ? text.toLowerCase() : text.slice(0, space).toLowerCase() + text.slice(space);
}

function claimValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return '';
}

function bounded(v: string): string {
  return v.length > MAX_VALUE_LENGTH ? v.slice(0, MAX_VALUE_LENGTH) : v;
}
