import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Identity } from '../identity/types.ts';
import { PROBLEM_HEADER } from '../pipeline/problem.ts';

/** RFC 9110 section 7.6.1: connection-specific fields are never forwarded by a proxy. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

/**
 * Request fields the gateway meets itself: it answers `Expect: 100-continue` (server.ts) and
 * sends the upstream the body it asked for; undici refuses to send Expect at all.
 */
const MET_BY_GATEWAY = 'expect';

/**
 * Request fields dropped when the gateway must read the whole answer (a route with a
 * ResponsePlan): it asks for `accept-encoding: identity` instead, since the egress filter reads
 * plain JSON, and a Range (RFC 9110 section 14.2, which a proxy may ignore) would let a client
 * fetch a slice of the records array that no longer looks like the answer the filter expects.
 */
const WHOLE_ANSWER_DROP = new Set(['accept-encoding', 'range', 'if-range']);

/** Headers the gateway sets itself; a client must not be able to forge them. */
const GATEWAY_PREFIX = 'x-enumguard-';

/**
 * The headers sent upstream: the client's, minus hop-by-hop fields, fields named by its
 * Connection header and any x-enumguard-* it tried to forge; plus X-Forwarded-For appended
 * with the socket peer (the de-facto convention upstreams expect), and the identity the
 * gateway verified: its id in X-Enumguard-Identity and its kind (`api-key` or `jwt`) in
 * X-Enumguard-Identity-Kind, since an API key id and a JWT subject may be the same text and
 * name different callers. With `wholeAnswer` (the gateway will filter or score the answer) it also
 * asks for an uncompressed, whole representation: `accept-encoding: identity`, no Range.
 */
export function upstreamHeaders(
  incoming: IncomingHttpHeaders,
  peer: string,
  identity: Identity | undefined,
  wholeAnswer = false,
): Record<string, string | string[]> {
  const named = connectionTokens(incoming.connection);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (
      value === undefined ||
      HOP_BY_HOP.has(name) ||
      name === MET_BY_GATEWAY ||
      named.has(name) ||
      name.startsWith(GATEWAY_PREFIX) ||
      (wholeAnswer && WHOLE_ANSWER_DROP.has(name))
    )
      continue;
    out[name] = value;
  }
  if (wholeAnswer) out['accept-encoding'] = 'identity';
  const prior = incoming['x-forwarded-for'];
  out['x-forwarded-for'] = prior ? `${Array.isArray(prior) ? prior.join(', ') : prior}, ${peer}` : peer;
  if (incoming.host !== undefined) out['x-forwarded-host'] = incoming.host;
  if (identity !== undefined) {
    out['x-enumguard-identity'] = identity.id;
    out['x-enumguard-identity-kind'] = identity.kind;
  }
  return out;
}

/**
 * The upstream's response headers minus hop-by-hop fields and X-Enumguard-Problem: that one
 * says the gateway itself refused, so an upstream must not be able to claim it.
 */
export function downstreamHeaders(
  headers: Record<string, string | string[] | undefined>,
): OutgoingHttpHeaders {
  const named = connectionTokens(headers.connection);
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || (HOP_BY_HOP.has(name) && name !== 'host') || named.has(name)) continue;
    if (name === PROBLEM_HEADER) continue;
    out[name] = value;
  }
  return out;
}

function connectionTokens(value: string | string[] | undefined): Set<string> {
  if (value === undefined) return new Set();
  const text = Array.isArray(value) ? value.join(',') : value;
  return new Set(
    text
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean),
  );
}
