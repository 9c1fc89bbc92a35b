/**
 * Header fields that describe a body's bytes rather than the representation (content-length
 * aside), with plausible values: an app or upstream sends them, and once the egress filter has
 * changed the bytes none of them may reach the client. content-encoding: identity stands for any
 * encoding claim (a filtered body is never encoded).
 */
export const DESCRIBING_THE_BYTES = {
  'content-encoding': 'identity',
  etag: '"v1"',
  'content-md5': 'Q2hlY2sgSW50ZWdyaXR5IQ==',
  digest: 'sha-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=',
  'content-digest': 'sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:',
  'repr-digest': 'sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:',
} as const;
