/**
 * IP addresses for client keys: parsing every text form, canonical text, IPv4 unmapping.
 * CIDR blocks and prefix keys build on this in cidr.ts.
 *
 * An address is kept as big-endian unsigned 32-bit words (one for IPv4, four for IPv6), so
 * CIDR checks are a few integer ANDs and no BigInt is needed on the request path. Parsers walk
 * the characters once, without regular expressions, and give up early on anything too long,
 * so hostile header values cost little.
 */

export interface IpAddress {
  readonly family: 4 | 6;
  /** Big-endian unsigned 32-bit words: one for IPv4, four for IPv6. */
  readonly words: readonly number[];
}

/** "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255" is the longest address text (45 chars). */
const MAX_ADDRESS_TEXT = 45;
/** A zone id ("%eth0", RFC 6874) is an interface name; allow a generous one, no more. */
const MAX_ZONE_TEXT = 64;

/**
 * Parses an IPv4 dotted quad. Leading zeros are refused: "010.0.0.1" means 8.0.0.1 to
 * inet_aton but 10.0.0.1 to most humans, and that ambiguity has caused real ACL bypasses
 * (e.g. CVE-2021-29418). Shorthand forms ("127.1", hex) are refused for the same reason.
 */
export function parseIPv4(text: string): IpAddress | undefined {
  const n = parseIPv4Word(text, 0, text.length);
  return n === undefined ? undefined : { family: 4, words: [n] };
}

/** Parses text[start, end) as a dotted quad into one unsigned 32-bit word. */
function parseIPv4Word(text: string, start: number, end: number): number | undefined {
  if (end - start < 7 || end - start > 15) return undefined;
  let word = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits > 0 && part === 0) return undefined; // a leading zero
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return undefined;
    } else if (c === 46) {
      if (digits === 0 || ++dots > 3) return undefined;
      word = word * 256 + part;
      part = 0;
      digits = 0;
    } else {
      return undefined;
    }
  }
  if (dots !== 3 || digits === 0) return undefined;
  return word * 256 + part;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Parses every RFC 4291 §2.2 text form: full, "::"-compressed, upper or lower case, hex fields
 * of 1 to 4 digits, and a trailing dotted quad ("::ffff:1.2.3.4"). A zone id ("fe80::1%eth0")
 * is stripped: it names a local interface and is no part of who the peer is.
 */
export function parseIPv6(text: string): IpAddress | undefined {
  let end = text.length;
  const zone = text.indexOf('%');
  if (zone !== -1) {
    if (zone === end - 1 || end - zone > MAX_ZONE_TEXT) return undefined;
    end = zone;
  }
  if (end < 2 || end > MAX_ADDRESS_TEXT) return undefined;
  const groups = [0, 0, 0, 0, 0, 0, 0, 0];
  let count = 0;
  let gap = -1; // index in `groups` where "::" stands
  let i = 0;
  if (text.charCodeAt(0) === 58) {
    if (text.charCodeAt(1) !== 58) return undefined; // a lone leading ":"
    gap = 0;
    i = 2;
  }
  while (i < end) {
    // Read one field: hex digits up to ':' or the end, or a dotted quad as the last field.
    const fieldStart = i;
    let value = 0;
    while (i < end) {
      const h = hexValue(text.charCodeAt(i));
      if (h < 0) break;
      value = value * 16 + h;
      i++;
    }
    if (i < end && text.charCodeAt(i) === 46) {
      const v4 = parseIPv4Word(text, fieldStart, end);
      if (v4 === undefined) return undefined;
      if (count > 6) return undefined;
      groups[count++] = v4 >>> 16;
      groups[count++] = v4 & 0xffff;
      break; // the dotted quad ran to the end of the text
    }
    const digits = i - fieldStart;
    if (digits === 0 || digits > 4) return undefined;
    if (count === 8) return undefined;
    groups[count++] = value;
    if (i === end) break;
    if (text.charCodeAt(i) !== 58) return undefined;
    i++;
    if (i < end && text.charCodeAt(i) === 58) {
      if (gap !== -1) return undefined; // a second "::"
      gap = count;
      i++;
    } else if (i === end) {
      return undefined; // a trailing lone ":"
    }
  }
  if (gap === -1) {
    if (count !== 8) return undefined;
  } else {
    // "::" stands for one or more zero fields (RFC 4291 §2.2): move the fields after it to
    // the end, zeroing the ones they leave.
    if (count > 7) return undefined;
    const shift = 8 - count;
    for (let k = count - 1; k >= gap; k--) {
      groups[k + shift] = groups[k]!;
      groups[k] = 0;
    }
  }
  return {
    family: 6,
    words: [
      ((groups[0]! << 16) | groups[1]!) >>> 0,
      ((groups[2]! << 16) | groups[3]!) >>> 0,
      ((groups[4]! << 16) | groups[5]!) >>> 0,
      ((groups[6]! << 16) | groups[7]!) >>> 0,
    ],
  };
}

/** Parses a bare IPv4 or IPv6 address (no brackets, no port). */
export function parseIp(text: string): IpAddress | undefined {
  return text.indexOf(':') === -1 ? parseIPv4(text) : parseIPv6(text);
}

function isPortChar(c: number, obfuscated: boolean): boolean {
  if (c >= 48 && c <= 57) return true;
  // RFC 7239 §6.3 obfuscated ports: "_" followed by ALPHA / DIGIT / "." / "_" / "-".
  return obfuscated && ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 46 || c === 95 || c === 45);
}

function isPort(text: string, start: number, end: number, allowObfuscated: boolean): boolean {
  if (start >= end || end - start > 32) return false;
  const obfuscated = allowObfuscated && text.charCodeAt(start) === 95;
  if (!obfuscated && end - start > 5) return false;
  for (let i = obfuscated ? start + 1 : start; i < end; i++) {
    if (!isPortChar(text.charCodeAt(i), obfuscated)) return false;
  }
  return obfuscated ? end - start > 1 : Number(text.slice(start, end)) <= 65535;
}

/**
 * Parses an address as proxies write it in forwarding headers: "1.2.3.4", "1.2.3.4:80",
 * "2001:db8::1", "[2001:db8::1]" or "[2001:db8::1]:443". Surrounding spaces and tabs are
 * ignored. An unbracketed IPv6 address cannot carry a port (its colons would be ambiguous).
 * `obfuscatedPorts` admits RFC 7239 §6.3 ports such as "_abc".
 */
export function parseHostAddress(text: string, obfuscatedPorts = false): IpAddress | undefined {
  let start = 0;
  let end = text.length;
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  if (end - start > MAX_ADDRESS_TEXT + MAX_ZONE_TEXT + 40) return undefined;
  if (text.charCodeAt(start) === 91) {
    const close = text.indexOf(']', start);
    if (close === -1 || close >= end) return undefined;
    if (close + 1 < end) {
      if (text.charCodeAt(close + 1) !== 58 || !isPort(text, close + 2, end, obfuscatedPorts))
        return undefined;
    }
    return parseIPv6(text.slice(start + 1, close));
  }
  const colon = text.indexOf(':', start);
  if (colon !== -1 && colon < end && text.indexOf(':', colon + 1) === -1) {
    if (!isPort(text, colon + 1, end, obfuscatedPorts)) return undefined;
    return parseIPv4(text.slice(start, colon));
  }
  return parseIp(start === 0 && end === text.length ? text : text.slice(start, end));
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

/**
 * IPv4-mapped IPv6 addresses (::ffff:0:0/96, RFC 4291 §2.5.5.2) are IPv4 peers seen through a
 * dual-stack socket. They must become plain IPv4 before keying, or one client would own two
 * keys ("::ffff:1.2.3.4" and "1.2.3.4") and get twice the quota.
 */
export function unmapIPv4(ip: IpAddress): IpAddress {
  if (ip.family === 6 && ip.words[0] === 0 && ip.words[1] === 0 && ip.words[2] === 0xffff) {
    return { family: 4, words: [ip.words[3]!] };
  }
  return ip;
}

/** NAT64's well-known prefix 64:ff9b::/96 (RFC 6052 §2.1), as its first word. */
const NAT64_WORD = 0x0064ff9b;
/** 6to4's prefix 2002::/16 (RFC 3056 §2): the top half of the first word. */
const SIX_TO_FOUR = 0x2002;

/**
 * The IPv4 address an IPv6 address carries, for keying: IPv4-mapped ::ffff:a.b.c.d
 * (RFC 4291 §2.5.5.2), IPv4-compatible ::a.b.c.d (§2.5.5.1, deprecated but still parsed;
 * "::" and "::1" stay IPv6, so is all of ::/104, which is no IPv4 host), NAT64 64:ff9b::a.b.c.d
 * (RFC 6052) and 6to4 2002:AABB:CCDD::/48 (RFC 3056). One IPv4 host reached through any of
 * them is one client, and a 6to4 host owns a whole /48: keyed as IPv6 it would get 65,536
 * /64 buckets. Used for limit keys only, never for trust: a trusted IPv4 proxy must not be
 * impersonated by a 6to4 or NAT64 spelling of its address.
 */
export function embeddedIPv4(ip: IpAddress): IpAddress {
  if (ip.family === 4) return ip;
  const [w0, w1, w2, w3] = ip.words as [number, number, number, number];
  if (w0 >>> 16 === SIX_TO_FOUR) {
    return { family: 4, words: [(((w0 & 0xffff) << 16) | (w1 >>> 16)) >>> 0] };
  }
  if (w1 !== 0) return ip;
  const mapped = w0 === 0 && w2 === 0xffff;
  const compatible = w0 === 0 && w2 === 0 && w3 >= 0x01000000;
  const nat64 = w0 === NAT64_WORD && w2 === 0;
  return mapped || compatible || nat64 ? { family: 4, words: [w3] } : ip;
}

/** Canonical text: dotted quad for IPv4, RFC 5952 for IPv6 (lower case, longest zero run as "::"). */
export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) {
    const w = ip.words[0]!;
    return `${w >>> 24}.${(w >>> 16) & 255}.${(w >>> 8) & 255}.${w & 255}`;
  }
  const g: number[] = [];
  for (const w of ip.words) g.push(w >>> 16, w & 0xffff);
  // RFC 5952 §4.2: compress the longest run of two or more zero fields, the first on a tie.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out += '::';
      i += bestLen - 1;
      continue;
    }
    if (out.length > 0 && i !== bestStart + bestLen) out += ':';
    out += g[i]!.toString(16);
  }
  return out;
}

/** Parses, unmaps and formats: the one key an address should be known by, or undefined. */
export function canonicalIp(text: string): string | undefined {
  const ip = parseHostAddress(text);
  return ip === undefined ? undefined : formatIp(unmapIPv4(ip));
}
