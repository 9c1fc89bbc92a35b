/**
 * Response header fields that describe the upstream's (or the app's) bytes as it sent them,
 * and stop being true once a transport re-sends a held, filtered body. One list, for the
 * gateway and the adapters alike.
 */

/**
 * How the held bytes were framed and encoded. A held response goes out with a content-length
 * of its own, and only unencoded bytes are filtered (an encoded response on a filtered route is
 * refused), so any content-encoding left is `identity`.
 */
export const FRAMING_HEADERS = ['content-length', 'transfer-encoding', 'content-encoding'] as const;

/**
 * Validators and digests of the bytes (ETag: RFC 9110 section 8.8.3; Content-Digest and
 * Repr-Digest: RFC 9530; the older Digest and Content-MD5): wrong once the filter changed them.
 */
export const VALIDATOR_HEADERS = ['etag', 'content-md5', 'digest', 'content-digest', 'repr-digest'] as const;

/** Every field that describes the bytes: none holds for a response the egress filter changed. */
export const BODY_HEADERS = [...FRAMING_HEADERS, ...VALIDATOR_HEADERS] as const;
