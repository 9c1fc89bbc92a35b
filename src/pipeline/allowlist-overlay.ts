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
  /**
   * Adds a network: its canonical text, or why not: `invalid` when `cidr` is not an address or
   * CIDR, `full` when the overlay holds MAX_OVERLAY_ENTRIES and this is not one of them.
   */
  addCidr(cidr: string): OverlayAdd;
  /** Adds an identity by tag; `full` as for addCidr (an entry held already is never refused). */
  addIdentity(tag: string): OverlayAdd;
  /** Removes an entry added at runtime (a CIDR in any spelling that parses to it); false when absent. */
  remove(kind: 'cidr' | 'identity', value: string): boolean;
  /** Whether the caller is allowlisted at runtime. `identityKey` is the caller's risk key value. */
  allows(ip: string, identityKey: string | undefined): boolean;
}

export type OverlayAdd =
  { readonly ok: true; readonly entry: string } | { readonly ok: false; readonly reason: 'invalid' | 'full' };

const FULL = { ok: false, reason: 'full' } as const;

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
      if (parsed === undefined) return { ok: false, reason: 'invalid' };
      const entry = formatCidr(parsed);
      if (cidrs.includes(entry)) return { ok: true, entry };
      // Said, not dropped: the admin API must not answer "added" for an entry it never kept.
      if (full()) return FULL;
      cidrs.push(entry);
      matcher = createIpMatcher(cidrs);
      return { ok: true, entry };
    },
    addIdentity(tag) {
      if (!identities.has(tag) && full()) return FULL;
      identities.add(tag);
      return { ok: true, entry: tag };
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
