/**
 * Request headers as Node hands them over: lower-case names; a value is a string, an array
 * when an adapter keeps repeated lines apart, or undefined.
 */
export type HeaderMap = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Who is calling, once a credential checked out. Never holds the credential itself. */
export interface Identity {
  readonly kind: 'api-key' | 'jwt';
  /** The identity's name: the `identity` limit key and what logs show. */
  readonly id: string;
  readonly scopes: ReadonlySet<string>;
  /** Verified JWT claims, for `claim:` limit keys; empty for API keys. */
  readonly claims: Readonly<Record<string, unknown>>;
}

/**
 * What one credential check found. `detail` is safe to show the client: it says what was wrong
 * ("token expired") and never echoes the credential.
 */
export type CredentialResult =
  | { readonly kind: 'none' }
  | { readonly kind: 'ok'; readonly identity: Identity }
  | { readonly kind: 'invalid'; readonly detail: string };

export type IdentifyResult =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'identified'; readonly identity: Identity }
  | { readonly kind: 'invalid'; readonly detail: string };

/** Where a client address came from. */
export type AddressSource = 'socket' | 'x-forwarded-for' | 'forwarded';

export interface ClientAddress {
  /** Canonical text (IPv4-mapped addresses unwrapped): safe to use as a limit key. */
  readonly ip: string;
  readonly family: 4 | 6;
  readonly via: AddressSource;
  /**
   * Set when a trusted proxy sent both `Forwarded` and `X-Forwarded-For` and they name
   * different clients: the address is unknown and the request must be refused, since `ip`
   * (the proxy's own) would be a bucket shared by everyone behind it.
   */
  readonly conflict?: true;
}
