import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listenOwn } from './own-listener.ts';
import type { TLSSocket } from 'node:tls';
import { EnumguardError } from '../core/errors.ts';
import { createAdminAuth, SESSION_COOKIE, SESSION_TTL_MS, type Caller } from './admin-auth.ts';
import type { AdminDeps, AdminRoute } from './admin-deps.ts';
import { PAGE_CSP, send, sendProblem } from './admin-http.ts';
import { createHostCheck, type HostCheck } from './admin-host.ts';
import { createLiveStreams } from './admin-sse.ts';
import { loadDashboardAssets } from './dashboard-assets.ts';
import { CHANGE_ROUTES } from './routes-change.ts';
import { READ_ROUTES, typesParam } from './routes-read.ts';

export interface AdminServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** The bearer token (from the environment variable server.admin.tokenEnv names). */
  readonly token: string;
  readonly maxStreams: number;
  /** More Host values to answer besides its own address and localhost (server.admin.hosts). */
  readonly hosts?: readonly string[];
  /** Time between SSE heartbeats (default 15 s). */
  readonly heartbeatMs?: number;
  readonly deps: AdminDeps;
  readonly logger?: { error(obj: object, msg: string): void };
}

export interface AdminServer {
  readonly address: AddressInfo;
  /** `http://host:port/admin/`. */
  readonly url: string;
  close(): Promise<void>;
}

export const LIVE_PATH = '/admin/v1/events/live';

/** Every API route, the live stream included: what the endpoint auth test walks. */
export const ADMIN_ROUTES: readonly Pick<AdminRoute, 'method' | 'path' | 'summary'>[] = [
  ...READ_ROUTES,
  { method: 'GET', path: LIVE_PATH, summary: 'live events (SSE), Last-Event-ID resumes; ?type=' },
  ...CHANGE_ROUTES,
];

/** A token shorter than this is refused at start: 128 bits of base64 is 22 characters. */
export const MIN_TOKEN_LENGTH = 16;
/** Failed logins a minute before the login form answers 429 (a guessing brake, on top of a long token). */
const MAX_FAILED_LOGINS = 20;

/**
 * The admin listener (issue 14): the versioned API under /admin/v1/ and the dashboard at
 * /admin/, apart from the gateway's port and loopback by default, like the metrics listener.
 * Every API path refuses a caller without the token (or a dashboard session) with 401
 * problem+json and `WWW-Authenticate: Bearer` (RFC 6750 §3, RFC 9457).
 */
export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const { deps, logger } = options;
  if (options.token.length < MIN_TOKEN_LENGTH) {
    throw new EnumguardError(
      'ERR_CONFIG',
      `the admin token is shorter than ${MIN_TOKEN_LENGTH} characters: use a long random one (e.g. openssl rand -base64 32)`,
    );
  }
  const auth = createAdminAuth(options.token);
  const assets = loadDashboardAssets();
  const live = createLiveStreams(deps.events, {
    maxClients: options.maxStreams,
    heartbeatMs: options.heartbeatMs ?? 15_000,
    replay: 1_000,
  });
  const routes = new Map<string, AdminRoute>();
  for (const r of [...READ_ROUTES, ...CHANGE_ROUTES]) routes.set(`${r.method} ${r.path}`, r);
  const paths = new Set(ADMIN_ROUTES.map((r) => r.path));
  let failedLogins = { minute: 0, count: 0 };
  // Set once the listener is bound (its port is known only then); no request comes before.
  let hostAllowed: HostCheck = () => false;

  const server = createServer((req, res) => {
    answer(req, res).catch((err: unknown) => {
      logger?.error(
        { err: { message: (err as Error).message, code: (err as EnumguardError).code } },
        'admin request failed',
      );
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const unavailable = (err as EnumguardError).code === 'ERR_STORE_UNAVAILABLE';
      sendProblem(
        res,
        unavailable ? 503 : 500,
        unavailable ? 'Service Unavailable' : 'Internal Server Error',
        unavailable ? 'the store did not answer; try again' : 'the admin request failed; see the gateway log',
      );
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 0; // the live stream stays open

  function unauthorized(res: ServerResponse): void {
    sendProblem(
      res,
      401,
      'Unauthorized',
      'send the admin token as "Authorization: Bearer <token>", or log in at /admin/login',
      {
        'www-authenticate': 'Bearer realm="enumguard-admin"',
      },
    );
  }

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // DNS rebinding: a foreign name pointed at this address is refused before anything else,
    // the login form included (else its failed attempts would lock the operator out).
    if (!hostAllowed(req.headers.host)) {
      return sendProblem(
        res,
        421,
        'Misdirected Request',
        'this admin listener answers only its own address, localhost at its port, and the names in server.admin.hosts',
      );
    }
    const url = new URL(req.url ?? '/', 'http://admin.invalid');
    const path = url.pathname;
    const now = deps.clock.now();
    if (path.startsWith('/admin/v1/')) return api(req, res, url, auth.caller(req, now));
    if (path.startsWith('/admin/assets/')) return asset(res, path.slice('/admin/assets/'.length));
    if (path === '/admin/login') return login(req, res, now);
    if (path === '/admin/logout' && req.method === 'POST') return logout(req, res, now);
    if (path === '/admin' || path === '/admin/') {
      if (auth.caller(req, now)?.kind !== 'session') {
        send(res, 303, 'text/plain; charset=utf-8', 'log in at /admin/login\n', { location: '/admin/login' });
        return;
      }
      return page(res, 'index.html');
    }
    sendProblem(res, 404, 'Not Found', 'the admin API is under /admin/v1/, the dashboard at /admin/');
  }

  async function api(req: IncomingMessage, res: ServerResponse, url: URL, caller: Caller): Promise<void> {
    if (caller === undefined) return unauthorized(res);
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    if (url.pathname === LIVE_PATH && method === 'GET') {
      const types = typesParam(url);
      if (types === undefined) return sendProblem(res, 400, 'Bad Request', 'type: unknown event type');
      live.open(req, res, types);
      return;
    }
    const route = routes.get(`${method} ${url.pathname}`);
    if (route === undefined) {
      if (paths.has(url.pathname)) {
        const allow = ADMIN_ROUTES.filter((r) => r.path === url.pathname).map((r) => r.method);
        return sendProblem(res, 405, 'Method Not Allowed', `use ${allow.join(' or ')}`, {
          allow: allow.join(', '),
        });
      }
      return sendProblem(res, 404, 'Not Found', `no admin endpoint ${url.pathname}`);
    }
    if (route.method === 'POST') {
      const problem = auth.csrfProblem(req, caller);
      if (problem !== undefined) return sendProblem(res, 403, 'Forbidden', problem);
    }
    await route.handle({ req, res, url, deps, caller });
  }

  function asset(res: ServerResponse, name: string): void {
    const a = name.endsWith('.html') ? undefined : assets.get(name);
    if (a === undefined) return sendProblem(res, 404, 'Not Found', `no asset ${name}`);
    send(res, 200, a.type, a.body);
  }

  function page(res: ServerResponse, name: string, status = 200): void {
    const a = assets.get(name) as { type: string; body: Buffer };
    send(res, status, a.type, a.body, { 'content-security-policy': PAGE_CSP });
  }

  async function login(req: IncomingMessage, res: ServerResponse, now: number): Promise<void> {
    if (req.method === 'GET' || req.method === 'HEAD') return page(res, 'login.html');
    if (req.method !== 'POST')
      return sendProblem(res, 405, 'Method Not Allowed', 'use GET or POST', { allow: 'GET, POST' });
    // Login CSRF: a form on another site must not log a browser into this dashboard.
    if (!auth.sameOrigin(req))
      return sendProblem(res, 403, 'Forbidden', 'log in from this dashboard’s own page');
    const minute = Math.floor(now / 60_000);
    if (failedLogins.minute !== minute) failedLogins = { minute, count: 0 };
    if (failedLogins.count >= MAX_FAILED_LOGINS) {
      return sendProblem(res, 429, 'Too Many Requests', 'too many failed logins; wait a minute', {
        'retry-after': 60,
      });
    }
    // The attempt counts as failed before its body is read, so posts sent in parallel cannot all
    // pass the check while their bodies are on the way; a right token gives it back below. The
    // minute's own record is kept: a give-back after the minute turned touches the old one.
    const attempts = failedLogins;
    attempts.count++;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > 4096)
        return sendProblem(res, 413, 'Content Too Large', 'the login form is larger than 4 KiB');
      chunks.push(chunk);
    }
    const token = new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('token') ?? '';
    if (!auth.tokenMatches(token)) {
      send(res, 303, 'text/plain; charset=utf-8', 'wrong token\n', { location: '/admin/login?failed=1' });
      return;
    }
    attempts.count--;
    const session = auth.login(now);
    const secure = (req.socket as TLSSocket).encrypted === true ? '; Secure' : '';
    send(res, 303, 'text/plain; charset=utf-8', 'logged in\n', {
      location: '/admin/',
      'set-cookie': `${SESSION_COOKIE}=${session.id}; HttpOnly; SameSite=Strict; Path=/admin; Max-Age=${SESSION_TTL_MS / 1000}${secure}`,
    });
  }

  function logout(req: IncomingMessage, res: ServerResponse, now: number): void {
    const caller = auth.caller(req, now);
    if (caller?.kind === 'session') {
      const problem = auth.csrfProblem(req, caller);
      if (problem !== undefined) return sendProblem(res, 403, 'Forbidden', problem);
      auth.logout(caller.id);
    }
    send(res, 204, 'text/plain; charset=utf-8', '', {
      'set-cookie': `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/admin; Max-Age=0`,
    });
  }

  const address = await listenOwn(
    server,
    options,
    { serving: 'the admin API', key: 'server.admin.listen', label: 'admin' },
    logger,
  );
  hostAllowed = createHostCheck(address, options.hosts ?? []);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    address,
    url: `http://${host}:${address.port}/admin/`,
    close: () =>
      new Promise<void>((resolve) => {
        live.closeAll();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
