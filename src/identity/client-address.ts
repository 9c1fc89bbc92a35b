/**
 * Who is really on the other end: the socket peer, or, behind trusted proxies, the address
 * they recorded in RFC 7239 `Forwarded` or in `X-Forwarded-For`.
 *
 * Forwarding headers are lists every hop appends to, so only their right end is written by
 * hops we trust; everything to the left may have come from the client. The walk therefore
 * starts at the socket peer and goes RIGHT TO LEFT, stepping over trusted proxies; the first
 * address that is not a trusted proxy is the client. An attacker who prepends fake entries
 * only adds text to the left of his real address, which is where the walk stops.
 *
 * When the walk meets an entry it cannot use ("unknown", an obfuscated identifier, a missing
 * `for`, garbage), it stops and the client is the last address it reached, which is always a
 * trusted hop: the proxy that could not tell us more. We choose that over guessing further
 * left, because everything beyond an unreadable entry may be forged. A client cannot steer a
 * walk there: the entry to the right of anything it wrote is the one a trusted proxy wrote
 * for it, and that stops the walk first (or, for a client inside trustedProxies, is its own
 * address). Only a proxy that itself writes "unknown" makes one key for its clients.
 *
 * Two headers are another matter (issue 13, item 5): a proxy that writes one usually passes the
 * other through, so one of them may be wholly the client's. When both name a client and the
 * names differ, no answer is safe: the proxy's own address would be a bucket shared by all its
 * clients that any one of them could switch to at will, and either header's client may be
 * forged. Such a request is marked `conflict` and the pipeline refuses it with a 400.
 */
import type { AddressSource, ClientAddress, HeaderMap } from './types.ts';
import { createIpMatcher } from './cidr.ts';
import type { IpMatcher } from './cidr.ts';
import { formatIp, parseHostAddress, unmapIPv4 } from './ip.ts';
import type { IpAddress } from './ip.ts';

/**
 * Which forwarding header to believe from a trusted proxy.
 * - "auto" (default): `Forwarded` when only it is present, `X-Forwarded-For` when only it is.
 *   When both are present they must name the same client, otherwise the result is marked
 *   `conflict` (refused upstream of any limit): a proxy that maintains one of them usually
 *   passes the other through untouched, and that one is then wholly written by the client.
 * - "forwarded" / "x-forwarded-for": only that header, the other is ignored. Prefer naming the
 *   one your proxy writes.
 */
export type ForwardedHeaderChoice = 'auto' | 'forwarded' | 'x-forwarded-for';

export interface ClientAddressOptions {
  /** CIDRs of proxies whose forwarding headers are believed (ServerConfig.trustedProxies). */
  readonly trustedProxies: readonly string[];
  readonly forwardedHeader?: ForwardedHeaderChoice;
  /**
   * Called at most once, the first time a peer that is not a trusted proxy sends `Forwarded`
   * or `X-Forwarded-For`. Those headers are ignored; the callback lets the gateway warn that
   * either no proxy is trusted or the proxy's address is missing from trustedProxies.
   */
  readonly onUntrustedForwarded?: (info: { readonly peer: string; readonly header: AddressSource }) => void;
}

export interface ClientAddressResolver {
  /** `remoteAddress` is the socket peer (`req.socket.remoteAddress`); undefined for Unix sockets. */
  resolve(remoteAddress: string | undefined, headers: HeaderMap): ClientAddress;
  /** True once forwarding headers came from a peer that is not trusted. */
  sawForwardedHeadersWithoutTrust(): boolean;
}

/**
 * A peer without an IP address (a Unix socket, or a socket already closed) is treated as the
 * unspecified address 0.0.0.0: all such peers share one key, and they are trusted only if
 * trustedProxies covers 0.0.0.0.
 */
const UNSPECIFIED: IpAddress = { family: 4, words: [0] };

interface Walk {
  current: IpAddress;
  via: AddressSource;
  done: boolean;
}

export function createClientAddress(options: ClientAddressOptions): ClientAddressResolver {
  const trusted = createIpMatcher(options.trustedProxies);
  const choice = options.forwardedHeader ?? 'auto';
  let sawUntrusted = false;

  function result(ip: IpAddress, via: AddressSource): ClientAddress {
    return { ip: formatIp(ip), family: ip.family, via };
  }

  function walk(peer: IpAddress, lines: readonly string[], header: AddressSource): Walk {
    const state: Walk = { current: peer, via: 'socket', done: false };
    if (header === 'forwarded') walkForwarded(lines, state, trusted);
    else walkXForwardedFor(lines, state, trusted);
    return state;
  }

  function resolve(remoteAddress: string | undefined, headers: HeaderMap): ClientAddress {
    const parsed = remoteAddress === undefined ? undefined : parseHostAddress(remoteAddress);
    const peer = parsed === undefined ? UNSPECIFIED : unmapIPv4(parsed);
    const forwarded = choice === 'x-forwarded-for' ? undefined : headers['forwarded'];
    const xff = choice === 'forwarded' ? undefined : headers['x-forwarded-for'];
    if (forwarded === undefined && xff === undefined) return result(peer, 'socket');
    if (!trusted.contains(peer)) {
      // Never believe forwarding headers from a peer we do not trust: anyone can send them.
      if (!sawUntrusted) {
        sawUntrusted = true;
        const header = forwarded !== undefined ? 'forwarded' : 'x-forwarded-for';
        options.onUntrustedForwarded?.({ peer: formatIp(peer), header });
      }
      return result(peer, 'socket');
    }
    const fromForwarded = forwarded === undefined ? undefined : walk(peer, lines(forwarded), 'forwarded');
    const fromXff = xff === undefined ? undefined : walk(peer, lines(xff), 'x-forwarded-for');
    return combine(peer, fromForwarded, fromXff);
  }

  /** One header's client, or both headers' when they agree; a disagreement is a conflict. */
  function combine(peer: IpAddress, a: Walk | undefined, b: Walk | undefined): ClientAddress {
    if (a !== undefined && b !== undefined && !sameAddress(a.current, b.current)) {
      // The peer's address here is only for logs: the request is refused, never keyed by it.
      return { ...result(peer, 'socket'), conflict: true };
    }
    const chosen = (a ?? b)!;
    return result(chosen.current, chosen.via);
  }

  return {
    resolve,
    sawForwardedHeadersWithoutTrust: () => sawUntrusted,
  };
}

function lines(value: string | readonly string[]): readonly string[] {
  return typeof value === 'string' ? [value] : value;
}

function sameAddress(a: IpAddress, b: IpAddress): boolean {
  if (a.family !== b.family) return false;
  for (let i = 0; i < a.words.length; i++) if (a.words[i] !== b.words[i]) return false;
  return true;
}

/** One step of the walk: an unusable entry stops it; an untrusted address ends it as the client. */
function visit(state: Walk, entry: IpAddress | undefined, via: AddressSource, trusted: IpMatcher): void {
  if (entry === undefined) {
    state.done = true;
    return;
  }
  const ip = unmapIPv4(entry);
  state.current = ip;
  state.via = via;
  if (!trusted.contains(ip)) state.done = true;
}

function isBlank(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

/**
 * X-Forwarded-For: "client, proxy1, proxy2", possibly over several header lines, read from the
 * right without splitting the whole value, so a 10,000-entry header costs only the entries
 * actually walked. Empty list elements are skipped (RFC 9110 §5.6.1).
 */
function walkXForwardedFor(all: readonly string[], state: Walk, trusted: IpMatcher): void {
  for (let l = all.length - 1; l >= 0 && !state.done; l--) {
    const line = all[l]!;
    let end = line.length;
    while (!state.done) {
      const comma = end === 0 ? -1 : line.lastIndexOf(',', end - 1);
      if (!isBlank(line, comma + 1, end)) {
        visit(state, parseHostAddress(line.slice(comma + 1, end)), 'x-forwarded-for', trusted);
      }
      if (comma === -1) break;
      end = comma;
    }
  }
}

/**
 * Forwarded (RFC 7239 §4): elements separated by commas, each "for=...;by=...;proto=...".
 * Element boundaries are found scanning from the right, tracking quotes, so text a client put
 * on the left (an unterminated quote, say) cannot swallow the elements proxies appended.
 */
function walkForwarded(all: readonly string[], state: Walk, trusted: IpMatcher): void {
  for (let l = all.length - 1; l >= 0 && !state.done; l--) {
    const line = all[l]!;
    let end = line.length;
    while (!state.done) {
      let i = end - 1;
      let quoted = false;
      for (; i >= 0; i--) {
        const c = line.charCodeAt(i);
        if (c === 34) quoted = !quoted;
        else if (c === 44 && !quoted) break;
      }
      if (!isBlank(line, i + 1, end)) {
        visit(state, forwardedFor(line.slice(i + 1, end)), 'forwarded', trusted);
      }
      if (i < 0) break;
      end = i;
    }
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

/**
 * The node named by an element's `for` parameter, or undefined when the element has none,
 * is malformed, or names "unknown" or an obfuscated identifier (RFC 7239 §6.2, §6.3).
 */
export function forwardedFor(element: string): IpAddress | undefined {
  const n = element.length;
  let value: string | undefined;
  let i = 0;
  while (i < n) {
    while (i < n && isSpace(element.charCodeAt(i))) i++;
    if (i === n) break;
    if (element.charCodeAt(i) === 59) {
      i++; // an empty pair
      continue;
    }
    const nameStart = i;
    while (i < n && element.charCodeAt(i) !== 61) {
      const c = element.charCodeAt(i);
      if (c === 59 || c === 34 || isSpace(c)) return undefined;
      i++;
    }
    if (i === n || i === nameStart) return undefined;
    const name = element.slice(nameStart, i);
    i++; // "="
    let v: string;
    if (element.charCodeAt(i) === 34) {
      // quoted-string (RFC 9110 §5.6.4); quoted-pairs are rare, so slice when there are none.
      const close = element.indexOf('"', i + 1);
      if (close === -1) return undefined;
      const escape = element.indexOf('\\', i + 1);
      if (escape === -1 || escape > close) {
        v = element.slice(i + 1, close);
        i = close + 1;
      } else {
        let text = '';
        i++;
        for (;;) {
          if (i >= n) return undefined;
          const c = element.charCodeAt(i);
          if (c === 34) break;
          if (c === 92 && ++i >= n) return undefined;
          text += element[i];
          i++;
        }
        i++;
        v = text;
      }
    } else {
      const valueStart = i;
      while (i < n && element.charCodeAt(i) !== 59 && !isSpace(element.charCodeAt(i))) {
        if (element.charCodeAt(i) === 34) return undefined;
        i++;
      }
      v = element.slice(valueStart, i);
    }
    while (i < n && isSpace(element.charCodeAt(i))) i++;
    if (i < n && element.charCodeAt(i) !== 59) return undefined;
    if (name.length === 3 && name.toLowerCase() === 'for') {
      if (value !== undefined) return undefined; // RFC 7239 §4: at most once per element
      value = v;
    }
  }
  if (value === undefined || value.length === 0) return undefined;
  if (value.charCodeAt(0) === 95 || value.toLowerCase() === 'unknown') return undefined;
  return parseHostAddress(value, true);
}
