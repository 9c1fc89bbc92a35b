/**
 * The text an identity is counted under: its kind's namespace, then its id ("key:alice",
 * "jwt:alice"). API key ids are chosen by the operator and JWT subjects by the token issuer,
 * so the two name spaces overlap freely; without the namespace a token with `sub: alice`
 * would spend, and could get blocked, the budget and risk score of the API key "alice".
 * Anonymous callers are "anon:<ip>", a third namespace no verified identity can reach.
 */
import type { Identity } from './types.ts';

export const IDENTITY_NAMESPACES = { 'api-key': 'key', jwt: 'jwt' } as const satisfies Record<
  Identity['kind'],
  string
>;

/** The namespaced text of an identity, for limit keys, distinct-target sets and risk layers. */
export function identityKey(identity: Identity): string {
  return `${IDENTITY_NAMESPACES[identity.kind]}:${identity.id}`;
}
