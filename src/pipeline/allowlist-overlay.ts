import { createIpMatcher, formatCidr, parseCidr, type IpMatcher } from '../identity/cidr.ts';
import { parseHostAddress } from '../identity/ip.ts';
import { identityTag } from '../stores/risk-subject.ts';

/**
 * Runtime additions to the policy's `risk.allowlist` (issue 14: the admin API's allowlist):
 * networks by CIDR and identities by tag (the digest the log and the events name them by; an
 * operator never handles the raw key). An allowlisted caller gets no risk lookup, exactly as
 * one the policy lists. In memory, per gateway: a restart or another gateway starts from the
 * policy's list alone, which stays the place for lasting entries.
 */
export interface AllowlistOverlay {
  /** Entries added at runtime, in the order added. */
  entries(): { readonly cidrs: readonly string[]; readonly identities: readonly string[] };
  /** Adds a network; answers its canonical text, or undefined when `cidr` is not an address or CIDR. */
  addCidr(cidr: string): string | undefined;
  addIdentity(tag: string): void;
  /** Removes an entry added at runtime (a CIDR in any spelling that parses to it); false when absent. */
  remove(kind: 'cidr' | 'identity', value: string): boolean;
  /** Whether the caller is allowlisted at runtime. `identityKey` is the caller's risk key value. */
  allows(ip: string, identityKey: string | undefined): boolean;
}

/** Most entries the overlay keeps: a typo loop in a script must not grow it without bound. */
export const MAX_OVERLAY_ENTRIES = 10_000;

export function createAllowlistOverlay(): AllowlistOverlay {
  const cidrs: string[] = [];
  const identities = new Set<string>();
  let matcher: IpMatcher = createIpMatcher([]);
  const full = (): boolean => cidrs.length + identities.size >= MAX_OVERLAY_ENTRIES;

  return {
    entries: () => ({ cidrs: [...cidrs], identities: [...identities] }),
    addCidr(text) {
      const parsed = parseCidr(text);
      if (parsed === undefined) return undefined;
      const canonical = formatCidr(parsed);
      if (!cidrs.includes(canonical) && !full()) {
        cidrs.push(canonical);
        matcher = createIpMatcher(cidrs);
      }
      return canonical;
    },
    addIdentity(tag) {
      if (!full()) identities.add(tag);
    },
    remove(kind, value) {
      if (kind === 'identity') return identities.delete(value);
      const parsed = parseCidr(value);
      const at = parsed === undefined ? -1 : cidrs.indexOf(formatCidr(parsed));
      if (at < 0) return false;
      cidrs.splice(at, 1);
      matcher = createIpMatcher(cidrs);
      return true;
    },
    allows(ip, identityKey) {
      if (matcher.size > 0) {
        const parsed = parseHostAddress(ip);
        if (parsed !== undefined && matcher.contains(parsed)) return true;
      }
      // A digest per request only while identities are listed.
      return identities.size > 0 && identityKey !== undefined && identities.has(identityTag(identityKey));
    },
  };
}
