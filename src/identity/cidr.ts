/**
 * CIDR blocks and prefix keys over the word representation of ip.ts: membership is a few
 * integer ANDs per address, with no BigInt on the request path.
 */
import { internalError } from '../core/internal-error.ts';
import { embeddedIPv4, formatIp, parseHostAddress, parseIp, unmapIPv4 } from './ip.ts';
import type { IpAddress } from './ip.ts';

export interface Cidr {
  readonly family: 4 | 6;
  /** The network address, host bits cleared. */
  readonly words: readonly number[];
  readonly masks: readonly number[];
  readonly bits: number;
}

function maskWord(bits: number): number {
  if (bits <= 0) return 0;
  if (bits >= 32) return 0xffffffff;
  return (0xffffffff << (32 - bits)) >>> 0;
}

function masksFor(family: 4 | 6, bits: number): number[] {
  if (family === 4) return [maskWord(bits)];
  return [maskWord(bits), maskWord(bits - 32), maskWord(bits - 64), maskWord(bits - 96)];
}

function applyMasks(words: readonly number[], masks: readonly number[]): number[] {
  return words.map((w, i) => (w & masks[i]!) >>> 0);
}

function isBitCount(value: number, max: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= max;
}

function buildCidr(ip: IpAddress, bits: number): Cidr {
  const masks = masksFor(ip.family, bits);
  return { family: ip.family, words: applyMasks(ip.words, masks), masks, bits };
}

const cidrCache = new Map<string, Cidr | null>();
const CIDR_CACHE_MAX = 1024;

/**
 * Parses "10.0.0.0/8", "2001:db8::/32" or a bare address (a /32 or /128). Host bits are
 * cleared, as routers do. A mapped IPv6 CIDR of /96 or longer ("::ffff:10.0.0.0/104")
 * becomes its IPv4 equivalent, since addresses are unmapped before they are matched.
 * Results are cached: policies name the same few CIDRs again and again.
 */
export function parseCidr(text: string): Cidr | undefined {
  const cached = cidrCache.get(text);
  if (cached !== undefined) return cached ?? undefined;
  const parsed = parseCidrUncached(text.trim());
  if (cidrCache.size >= CIDR_CACHE_MAX) cidrCache.clear();
  cidrCache.set(text, parsed ?? null);
  return parsed;
}

function parseCidrUncached(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const ip = parseIp(slash === -1 ? text : text.slice(0, slash));
  if (ip === undefined) return undefined;
  const max = ip.family === 4 ? 32 : 128;
  let bits = max;
  if (slash !== -1) {
    const digits = text.slice(slash + 1);
    if (digits.length === 0 || digits.length > 3 || !/^\d+$/.test(digits)) return undefined;
    bits = Number(digits);
    if (!isBitCount(bits, max)) return undefined;
  }
  const unmapped = unmapIPv4(ip);
  if (unmapped !== ip && bits >= 96) return buildCidr(unmapped, bits - 96);
  return buildCidr(ip, bits);
}

export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  if (cidr.family !== ip.family) return false;
  for (let i = 0; i < cidr.words.length; i++) {
    if ((ip.words[i]! & cidr.masks[i]!) >>> 0 !== cidr.words[i]) return false;
  }
  return true;
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIp(cidr)}/${cidr.bits}`;
}

/**
 * The network an address belongs to, as a canonical key: prefixKey("1.2.3.4", 24, 64) is
 * "1.2.3.0/24"; prefixKey("2001:db8:1:2:a:b:c:d", 24, 64) is "2001:db8:1:2::/64". IPv6 hosts
 * usually get a whole /64 (RFC 4291 §2.5.1, SLAAC privacy addresses rotate inside it), so a
 * per-address limit on IPv6 is no limit at all; key by prefix instead. An IPv6 address that
 * carries an IPv4 one (mapped, compatible, NAT64, 6to4: embeddedIPv4) is keyed as that IPv4.
 * Throws ERR_INTERNAL for text that is not an address or bit counts out of range: callers
 * pass addresses the client-address resolver already validated.
 */
export function prefixKey(ip: string | IpAddress, v4Bits: number, v6Bits: number): string {
  const parsed = typeof ip === 'string' ? parseHostAddress(ip) : ip;
  if (parsed === undefined) throw internalError('prefixKey() got something that is not an IP address');
  if (!isBitCount(v4Bits, 32) || !isBitCount(v6Bits, 128)) {
    throw internalError(`prefixKey() needs 0..32 IPv4 bits and 0..128 IPv6 bits, got ${v4Bits}, ${v6Bits}`);
  }
  const addr = embeddedIPv4(parsed);
  return formatCidr(buildCidr(addr, addr.family === 4 ? v4Bits : v6Bits));
}

/** The IPv6 prefix one client is keyed by when a policy says just `ip`: one SLAAC subnet. */
export const DEFAULT_IPV6_KEY_BITS = 64;

/**
 * The key of `key: ip` and of anonymous callers: an IPv4 client by its address ("1.2.3.4"),
 * an IPv6 client by its /64 ("2001:db8:1:2::/64"), since one host rotates freely inside it,
 * and an IPv6 address carrying an IPv4 one by that IPv4 address. Text that is not an address
 * (a simulator's label) keys by itself.
 */
export function addressKey(ip: string, v6Bits: number = DEFAULT_IPV6_KEY_BITS): string {
  const parsed = parseHostAddress(ip);
  if (parsed === undefined) return ip;
  const addr = embeddedIPv4(parsed);
  return addr.family === 4 ? formatIp(addr) : prefixKey(addr, 32, v6Bits);
}

/** A compiled set of CIDRs, e.g. the trusted proxies. */
export interface IpMatcher {
  contains(ip: IpAddress): boolean;
  readonly size: number;
}

/**
 * Compiles CIDRs once. The policy's validation accepts only CIDRs that parse, so one that does
 * not is ERR_INTERNAL, naming it.
 */
export function createIpMatcher(cidrs: readonly string[]): IpMatcher {
  const v4: Cidr[] = [];
  const v6: Cidr[] = [];
  for (const text of cidrs) {
    const cidr = parseCidr(text);
    if (cidr === undefined)
      throw internalError(`not an IP address or CIDR, yet the policy accepted it: "${text}"`);
    (cidr.family === 4 ? v4 : v6).push(cidr);
  }
  return {
    size: v4.length + v6.length,
    contains(ip) {
      const list = ip.family === 4 ? v4 : v6;
      for (const cidr of list) if (cidrContains(cidr, ip)) return true;
      return false;
    },
  };
}
