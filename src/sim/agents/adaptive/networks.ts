import { internalError } from '../../../core/internal-error.ts';

/**
 * Where an adaptive attacker's accounts send from. Spread over many networks so that no
 * per-network limit or score (a /24, a /48) sees more than a few of its accounts:
 * - `ipv4`: `count` distinct /24s of 198.18.0.0/15 (RFC 2544 benchmarking space: at most 512),
 *   one host address per account within its /24;
 * - `ipv6`: `count` distinct /48s under 3fff::/20 (RFC 9637 documentation space), one /64 per
 *   account within its /48 (RFC 4291: the /64's holder picks the interface id);
 * - `fixed`: every account on one shared address (carrier-grade NAT, a campus).
 */
export type NetworkSpec =
  | { readonly kind: 'ipv4'; readonly count: number }
  | { readonly kind: 'ipv6'; readonly count: number }
  | { readonly kind: 'fixed'; readonly clientIp: string };

export const MAX_IPV4_NETWORKS = 512;
export const MAX_IPV6_NETWORKS = 1 << 16;

export interface Networks {
  readonly count: number;
  /** The network account slot `slot` lives on. */
  networkOf(slot: number): number;
  /** The address of `sim` (the attacker's n-th SIM number) in slot `slot`. */
  addressOf(slot: number, sim: number): string;
}

/**
 * Slots are dealt round-robin over the networks, so accounts per network stay even; a
 * replacement SIM in a slot gets a new host address on the same network.
 */
export function networksOf(spec: NetworkSpec, attacker: number): Networks {
  if (spec.kind === 'fixed') return { count: 1, networkOf: () => 0, addressOf: () => spec.clientIp };
  const max = spec.kind === 'ipv4' ? MAX_IPV4_NETWORKS : MAX_IPV6_NETWORKS;
  // The scenario's validation bounds the count; a larger one here is a caller's bug.
  if (!Number.isInteger(spec.count) || spec.count < 1 || spec.count > max)
    throw internalError(`adaptive attacker: ${spec.kind} networks must be 1..${max}, got ${spec.count}`);
  const networkOf = (slot: number): number => slot % spec.count;
  if (spec.kind === 'ipv4') {
    return {
      count: spec.count,
      networkOf,
      addressOf(slot, sim) {
        const net = networkOf(slot);
        const host = 1 + ((Math.floor(slot / spec.count) * 7 + sim) % 253);
        return `198.${18 + (net >> 8)}.${net & 255}.${host}`;
      },
    };
  }
  const group = (attacker & 0xfff).toString(16);
  return {
    count: spec.count,
    networkOf,
    addressOf(slot, sim) {
      const net = networkOf(slot);
      const sub = ((Math.floor(slot / spec.count) + sim) & 0xffff).toString(16);
      return `3fff:${group}:${net.toString(16)}:${sub}::${(1 + (sim & 0xfffe)).toString(16)}`;
    },
  };
}
