import type { Rng } from '../../core/rng.ts';
import { internalError } from '../../core/internal-error.ts';

/**
 * Where attackers send from. An IPv4 pool is a CIDR block (e.g. a rented /24) or a count of
 * addresses; an IPv6 pool is a number of /64s (RFC 4291 section 2.5.1: the low 64 bits are
 * the interface id, which the holder of a /64 picks freely, RFC 8981 even rotates it).
 */
export type AddressPool =
  | { readonly kind: 'ipv4'; readonly base: number; readonly size: number }
  | { readonly kind: 'ipv6'; readonly prefixes: number };

/** When a pool is given as a count: 198.18.0.0/15 (RFC 2544 benchmarking), 131,072 addresses. */
const COUNT_BASE = (198 << 24) | (18 << 16);
export const MAX_POOL_COUNT = 1 << 17;

/** Parses "a.b.c.d/len" (len 8–32); undefined when it is not one. */
export function parseIpv4Cidr(text: string): { base: number; size: number } | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const len = Number(m[5]);
  if (octets.some((o) => o > 255) || len < 8 || len > 32) return undefined;
  const addr = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - len);
  return { base: addr - (addr % size), size };
}

export function ipv4PoolOf(pool: string | number): AddressPool {
  if (typeof pool === 'number') return { kind: 'ipv4', base: COUNT_BASE, size: pool };
  const cidr = parseIpv4Cidr(pool);
  // The scenario's validation accepts a pool only if parseIpv4Cidr does.
  if (!cidr) throw internalError(`not an IPv4 CIDR block: ${pool}`);
  return { kind: 'ipv4', ...cidr };
}

function ipv4(value: number): string {
  return `${Math.floor(value / 16_777_216) % 256}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

function hex16(rng: Rng): string {
  return rng.int(0x10000).toString(16);
}

/** The /64 number `p` of an attacker's allocation, under 2001:db8::/32 (RFC 3849). */
function prefix64(attacker: number, p: number): string {
  return `2001:db8:${(0x8000 + (attacker & 0x7fff)).toString(16)}:${(p & 0xffff).toString(16)}`;
}

/** The pool's `i`-th fixed address (mod its size): a Sybil account's home address. */
export function poolAddress(pool: AddressPool, attacker: number, i: number, rng: Rng): string {
  if (pool.kind === 'ipv4') return ipv4(pool.base + (i % pool.size));
  return `${prefix64(attacker, i % pool.prefixes)}:${hex16(rng)}:${hex16(rng)}:${hex16(rng)}:${hex16(rng)}`;
}

/** A fresh address from the pool: a random member, or a random interface id in a random /64. */
export function rotatingAddress(pool: AddressPool, attacker: number, rng: Rng): string {
  if (pool.kind === 'ipv4') return ipv4(pool.base + rng.int(pool.size));
  return poolAddress(pool, attacker, rng.int(pool.prefixes), rng);
}
