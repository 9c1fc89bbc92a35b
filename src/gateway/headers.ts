import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

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

/** Headers the gateway sets itself; a client must not be able to forge them. */
const GATEWAY_PREFIX = 'x-enumguard-';

/**
 * The headers sent upstream: the client's, minus hop-by-hop fields, fields named by its
 * Connection header and any x-enumguard-* it tried to forge; plus X-Forwarded-For appended
 * with the socket peer (the de-facto convention upstreams expect), and the identity the
 * gateway verified.
 */
export function upstreamHeaders(
  incoming: IncomingHttpHeaders,
  peer: string,
  identity: string | undefined,
): Record<string, string | string[]> {
  const named = connectionTokens(incoming.connection);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name) || name.startsWith(GATEWAY_PREFIX))
      continue;
    out[name] = value;
  }
  const prior = incoming['x-forwarded-for'];
  out['x-forwarded-for'] = prior ? `${Array.isArray(prior) ? prior.join(', ') : prior}, ${peer}` : peer;
  if (incoming.host !== undefined) out['x-forwarded-host'] = incoming.host;
  if (identity !== undefined) out['x-enumguard-identity'] = identity;
  return out;
}

/** The upstream's response headers minus hop-by-hop fields. */
export function downstreamHeaders(
  headers: Record<string, string | string[] | undefined>,
): OutgoingHttpHeaders {
  const named = connectionTokens(headers.connection);
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || (HOP_BY_HOP.has(name) && name !== 'host') || named.has(name)) continue;
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
