import { PROBLEM_CODES, type ProblemCode } from './problem-codes.ts';
import type { PlainResponse } from './types.ts';

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

/** An RFC 9457 problem+json response for `code`, with its stable `code` member. */
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
