import type { PlainResponse } from './types.ts';

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

/** On every answer enumguard gives itself (never on the upstream's), with the problem's `code`. */
export const PROBLEM_HEADER = 'x-enumguard-problem';

export interface ProblemOptions {
  /** Overrides the code's default status (a batch cap may answer 400 instead of 413). */
  readonly status?: number;
  readonly instance?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Extension members (RFC 9457 section 3.2), e.g. the deciding policy's name. */
  readonly extensions?: Readonly<Record<string, unknown>>;
}

export function problemResponse(
  code: ProblemCode,
  detail: string,
  options: ProblemOptions = {},
): PlainResponse {
  const known = PROBLEM_CODES[code];
  const status = options.status ?? known.status;
  const title = known.type === 'about:blank' && status !== known.status ? statusTitle(status) : known.title;
  const body: Record<string, unknown> = { type: known.type, title, status, detail, code };
  if (options.instance !== undefined) body.instance = options.instance;
  if (options.extensions) Object.assign(body, options.extensions, { type: known.type, title, status, code });
  return {
    status,
    headers: {
      'content-type': 'application/problem+json',
      'cache-control': 'no-store',
      // Says enumguard answered, not the service behind it: both may answer 401 or 404 with
      // "about:blank" problems, and a client or an operator with curl must tell them apart.
      [PROBLEM_HEADER]: code,
      ...options.headers,
    },
    body: JSON.stringify(body),
    problem: code,
  };
}

function statusTitle(status: number): string {
  switch (status) {
    case 400:
      return 'Bad Request';
    case 413:
      return 'Content Too Large';
    default:
      return 'Error';
  }
}
