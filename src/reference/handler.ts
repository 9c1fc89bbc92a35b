import type { Failure, ReferenceService } from './service.ts';

/**
 * The reference service's HTTP API as a plain function, so the simulator can call it in
 * process with HTTP semantics and no sockets; http.ts puts the same function on node:http.
 * Documented in docs/reference-api.openapi.yaml.
 *
 *   POST /v1/accounts                  {"number": "+..."}      -> 201 {accountId, token}
 *   POST /v1/contacts/discover         Bearer, {"numbers": []} -> 200 {contacts: [...]}
 *   POST /v1/contacts/discover/delta   Bearer, {"numbers": []} -> 200 {contacts: [...], removed: [...]}
 *   GET  /v1/accounts/{id}/photo       Bearer                  -> 200 image/svg+xml
 *   GET  /v1/accounts/{id}/profile     Bearer                  -> 200 {accountId, about?}
 *   GET  /healthz                                              -> 200 {status: "ok"}
 * Errors are RFC 9457 problem details with a stable `code`.
 */
export type ReferenceHandler = (req: ReferenceRequest) => ReferenceResponse;

/**
 * A request as the reference service reads it. The service stands for any upstream, so it
 * has its own types instead of enumguard's; the pipeline's PlainRequest fits this shape, which
 * is how the simulator calls the handler in process.
 */
export interface ReferenceRequest {
  readonly method: string;
  /** Origin-form target: path plus optional query. */
  readonly url: string;
  /** Lower-case names, repeated headers as arrays, as Node gives them. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The parsed JSON body, or its raw text. */
  readonly body?: unknown;
}

/** The reference service's response; it fits the pipeline's PlainResponse. */
export interface ReferenceResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The JSON value `body` encodes, for an in-process caller that skips the parse. */
  readonly json?: unknown;
}

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' } as const;
const PHOTO_PATH = /^\/v1\/accounts\/([^/]+)\/photo$/;
const PROFILE_PATH = /^\/v1\/accounts\/([^/]+)\/profile$/;
const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Content Too Large',
};

export function createReferenceHandler(service: ReferenceService): ReferenceHandler {
  return (req) => {
    const path = pathOf(req.url);
    const method = req.method.toUpperCase();
    if (path === '/healthz') {
      return method === 'GET' || method === 'HEAD' ? json(200, { status: 'ok' }) : notAllowed('GET, HEAD');
    }
    if (path === '/v1/accounts') {
      if (method !== 'POST') return notAllowed('POST');
      const body = bodyOf(req);
      const number = isRecord(body) ? body.number : undefined;
      if (typeof number !== 'string')
        return problem(400, 'bad-request', 'body must be {"number": "+14155550100"}');
      const result = service.register(number);
      if (!result.ok) return fromFailure(result);
      return json(201, { accountId: result.accountId, token: result.token });
    }
    if (path === '/v1/contacts/discover') {
      if (method !== 'POST') return notAllowed('POST');
      const body = bodyOf(req);
      const result = service.discover(bearer(req), isRecord(body) ? body.numbers : undefined);
      return result.ok ? json(200, { contacts: result.contacts }) : fromFailure(result);
    }
    if (path === '/v1/contacts/discover/delta') {
      if (method !== 'POST') return notAllowed('POST');
      const body = bodyOf(req);
      const result = service.discoverDelta(bearer(req), isRecord(body) ? body.numbers : undefined);
      return result.ok
        ? json(200, { contacts: result.contacts, removed: result.removed })
        : fromFailure(result);
    }
    const photo = PHOTO_PATH.exec(path);
    if (photo) {
      if (method !== 'GET') return notAllowed('GET');
      const result = service.photo(bearer(req), idParam(photo[1]));
      if (!result.ok) return fromFailure(result);
      return {
        status: 200,
        headers: { 'content-type': result.contentType, 'cache-control': 'private, max-age=3600' },
        body: result.body,
      };
    }
    const profile = PROFILE_PATH.exec(path);
    if (profile) {
      if (method !== 'GET') return notAllowed('GET');
      const result = service.profile(bearer(req), idParam(profile[1]));
      if (!result.ok) return fromFailure(result);
      const { ok: _ok, ...body } = result;
      return json(200, body);
    }
    return problem(404, 'not-found', `no route for ${method} ${path}`);
  };
}

/** A path segment decoded; a malformed escape reads as no id at all (404, not a thrown URIError). */
function idParam(segment: string | undefined): string {
  try {
    return decodeURIComponent(segment ?? '');
  } catch {
    return '';
  }
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/** The parsed body; a string body (raw JSON) is parsed here, malformed JSON reads as absent. */
function bodyOf(req: ReferenceRequest): unknown {
  if (typeof req.body !== 'string') return req.body;
  try {
    return JSON.parse(req.body) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The token of an "Authorization: Bearer <token>" header (RFC 6750 section 2.1), or "". */
function bearer(req: ReferenceRequest): string {
  const raw = req.headers.authorization;
  const value = Array.isArray(raw) ? raw[0] : raw;
  const match = value === undefined ? null : /^Bearer +(\S+)\s*$/i.exec(value);
  return match?.[1] ?? '';
}

/** A JSON answer whose text is written only if someone reads `body` (the HTTP server does). */
function json(status: number, value: unknown): ReferenceResponse {
  let text: string | undefined;
  return {
    status,
    headers: JSON_HEADERS,
    json: value,
    get body() {
      return (text ??= JSON.stringify(value));
    },
  };
}

function fromFailure(f: Failure): ReferenceResponse {
  const headers: Record<string, string> =
    // RFC 6750 section 3: a 401 names the scheme the client should use.
    f.status === 401 ? { 'www-authenticate': 'Bearer realm="reference"' } : {};
  return problem(f.status, f.code, f.detail, headers);
}

function notAllowed(allow: string): ReferenceResponse {
  // RFC 9110 section 15.5.6: a 405 lists the methods the resource supports.
  return problem(405, 'method-not-allowed', `use ${allow}`, { allow });
}

/** An RFC 9457 problem detail. */
export function problem(
  status: number,
  code: string,
  detail: string,
  headers: Readonly<Record<string, string>> = {},
): ReferenceResponse {
  return {
    status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify({ type: 'about:blank', title: TITLES[status] ?? 'Error', status, detail, code }),
  };
}
