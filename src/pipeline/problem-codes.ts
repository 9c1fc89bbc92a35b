/**
 * RFC 9457 problem details. Rate-limit denials use the problem types registered by
 * draft-ietf-httpapi-ratelimit-headers-11 (section 6); everything else is "about:blank",
 * whose title is the HTTP status phrase (RFC 9457 section 4.2.1). Each body also carries
 * `code`, a stable machine-readable name a client can switch on.
 */
const IANA_PROBLEMS = 'https://iana.org/assignments/http-problem-types#';

export const PROBLEM_CODES = {
  'quota-exceeded': { status: 429, type: `${IANA_PROBLEMS}quota-exceeded`, title: 'Quota exceeded' },
  'abnormal-usage-detected': {
    status: 429,
    type: `${IANA_PROBLEMS}abnormal-usage-detected`,
    title: 'Abnormal usage detected',
  },
  unauthenticated: { status: 401, type: 'about:blank', title: 'Unauthorized' },
  forbidden: { status: 403, type: 'about:blank', title: 'Forbidden' },
  /** The risk score reached `block`: refused until the block ends (Retry-After says when). */
  blocked: { status: 403, type: 'about:blank', title: 'Forbidden' },
  'no-route': { status: 404, type: 'about:blank', title: 'Not Found' },
  'request-timeout': { status: 408, type: 'about:blank', title: 'Request Timeout' },
  'batch-too-large': { status: 413, type: 'about:blank', title: 'Content Too Large' },
  'body-too-large': { status: 413, type: 'about:blank', title: 'Content Too Large' },
  'bad-request': { status: 400, type: 'about:blank', title: 'Bad Request' },
  'internal-error': { status: 500, type: 'about:blank', title: 'Internal Server Error' },
  'upstream-failed': { status: 502, type: 'about:blank', title: 'Bad Gateway' },
  'store-unavailable': { status: 503, type: 'about:blank', title: 'Service Unavailable' },
  'upstream-timeout': { status: 504, type: 'about:blank', title: 'Gateway Timeout' },
} as const;

export type ProblemCode = keyof typeof PROBLEM_CODES;
