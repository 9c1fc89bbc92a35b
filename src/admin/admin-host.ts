import { isIP } from 'node:net';
import { normalHost } from '../core/host-header.ts';

/**
 * Which `Host` values the admin listener answers (DNS rebinding defence). A page on another
 * site whose DNS name is re-pointed at the listener's address talks to it as its own origin: its
 * requests carry that name in Host, and its Origin equals its Host, so an origin check alone
 * passes. Answering only the names this listener is reached by closes that (RFC 9110 §7.2: Host
 * names the target; §15.5.20: 421 for a request this server is not configured to answer).
 *
 * Allowed: `localhost` and the bound address at the listener's port; when the listener is bound
 * to every address (0.0.0.0, ::), any IP literal at its port, since rebinding needs a DNS name
 * and a browser sends an IP literal only when it connected to that IP; and the names in
 * `server.admin.hosts` (e.g. what a TLS proxy in front forwards), compared exactly after
 * normalising (lowercase, no default port).
 */
export type HostCheck = (host: string | undefined) => boolean;

export function createHostCheck(
  bound: { address: string; port: number },
  extra: readonly string[],
): HostCheck {
  const port = bound.port;
  const wildcard = bound.address === '0.0.0.0' || bound.address === '::';
  const own = new Set<string>();
  const shown = bound.address.includes(':') ? `[${bound.address}]` : bound.address;
  for (const name of ['localhost', shown]) {
    const n = normalHost(`${name}:${port}`);
    if (n !== undefined) own.add(n);
  }
  for (const h of extra) {
    const n = normalHost(h);
    if (n !== undefined) own.add(n);
  }
  return (host) => {
    if (host === undefined) return false;
    const n = normalHost(host);
    if (n === undefined) return false;
    if (own.has(n)) return true;
    if (!wildcard) return false;
    const url = new URL(`http://${n}/`);
    const literal = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    return isIP(literal) !== 0 && Number(url.port || 80) === port;
  };
}
