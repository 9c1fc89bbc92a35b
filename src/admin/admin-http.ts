import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Answers of the admin listener. Every answer carries headers that keep it out of caches and
 * frames (the API answers hold security data; the dashboard must not be framed: clickjacking
 * a Lift button): RFC 9111 `no-store`, `nosniff`, no Referer leaving the page, and a CSP with
 * `frame-ancestors 'none'` (CSP Level 3) on every answer, not only on pages.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'content-security-policy':
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

/**
 * The dashboard's CSP: its own scripts and styles only (no inline script, no eval, no CDN), API
 * calls and the event stream to this origin only, forms posting back here only.
 */
export const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export type Headers = Readonly<Record<string, string | number | readonly string[]>>;

export function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  headers: Headers = {},
): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Headers = {}): void {
  send(res, status, 'application/json; charset=utf-8', `${JSON.stringify(value)}\n`, headers);
}

/** An RFC 9457 problem: `type` about:blank, the status's title, a detail for the operator. */
export function sendProblem(
  res: ServerResponse,
  status: number,
  title: string,
  detail: string,
  headers: Headers = {},
  extensions: Record<string, unknown> = {},
): void {
  const body = JSON.stringify({ type: 'about:blank', title, status, detail, ...extensions });
  send(res, status, 'application/problem+json', `${body}\n`, headers);
}

/** Most bytes an admin request body may have: a policy to validate is the largest. */
export const MAX_BODY_BYTES = 1024 * 1024;

export class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The request body as text, at most MAX_BODY_BYTES (413 past it). */
export async function readText(req: IncomingMessage): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > MAX_BODY_BYTES) throw new BodyError(413, `the body is larger than ${MAX_BODY_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BodyError(413, `the body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A JSON object body (415 for another media type, 400 for bad JSON or a non-object). */
export async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new BodyError(415, 'send the body as application/json');
  const text = await readText(req);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BodyError(400, 'the body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BodyError(400, 'the body must be a JSON object');
  }
  return value as Record<string, unknown>;
}
