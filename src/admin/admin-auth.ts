import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Who may use the admin listener: a caller with the bearer token (RFC 6750), or a browser with a
 * session cookie the login page set after it was given the token.
 *
 * Tokens are compared as SHA-256 digests with crypto.timingSafeEqual: equal-length inputs, so
 * the time taken reveals neither the token's length nor how much of a guess matched.
 *
 * A session is a random 256-bit id in an HttpOnly, SameSite=Strict cookie scoped to /admin
 * (Secure on a TLS socket), and a CSRF token of its own. A state-changing call that comes with
 * the cookie must also come from this origin (Sec-Fetch-Site: same-origin, or else an Origin
 * equal to the Host) and carry the session's CSRF token in `x-csrf-token`: SameSite alone does
 * not cover same-site attackers or old browsers (OWASP CSRF Prevention Cheat Sheet). Bearer
 * calls need neither: a browser never attaches a bearer token on its own.
 */
export const SESSION_COOKIE = 'enumguard_admin';
export const CSRF_HEADER = 'x-csrf-token';
/** A session lasts this long from login. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** Sessions kept at once; the oldest goes first. */
const MAX_SESSIONS = 64;

export type Caller =
  | { readonly kind: 'bearer' }
  | { readonly kind: 'session'; readonly csrf: string; readonly id: string }
  | undefined;

export interface AdminAuth {
  /** The caller, from the Authorization header or the session cookie; undefined: neither is valid. */
  caller(req: IncomingMessage, now: number): Caller;
  /** Whether a given token is the admin token (constant time). */
  tokenMatches(given: string): boolean;
  /** Starts a session: answers its cookie value and CSRF token. */
  login(now: number): { readonly id: string; readonly csrf: string };
  logout(id: string): void;
  /** Whether a cookie-authenticated state change passes the origin and CSRF checks; the reason when not. */
  csrfProblem(req: IncomingMessage, caller: Caller): string | undefined;
  /** Whether a request (e.g. the login form post) comes from this origin. */
  sameOrigin(req: IncomingMessage): boolean;
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

export function createAdminAuth(token: string): AdminAuth {
  const expected = digest(token);
  // Session ids are kept as digests: a heap dump does not hand out live cookies.
  const sessions = new Map<string, { csrf: string; expiresAt: number }>();

  function tokenMatches(given: string): boolean {
    return timingSafeEqual(digest(given), expected);
  }

  function sessionOf(req: IncomingMessage, now: number): Caller {
    const id = cookieValue(req.headers.cookie, SESSION_COOKIE);
    if (id === undefined) return undefined;
    const key = digest(id).toString('base64');
    const session = sessions.get(key);
    if (session === undefined) return undefined;
    if (now >= session.expiresAt) {
      sessions.delete(key);
      return undefined;
    }
    return { kind: 'session', csrf: session.csrf, id };
  }

  function sameOrigin(req: IncomingMessage): boolean {
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined) return site === 'same-origin';
    const origin = req.headers.origin;
    if (origin === undefined) return true; // not a browser's cross-origin request: it sends Origin
    const host = req.headers.host;
    return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
  }

  return {
    caller(req, now) {
      const auth = req.headers.authorization;
      if (auth !== undefined) {
        // RFC 6750 §2.1: "Bearer" (case-insensitive scheme) then the token.
        const m = /^bearer +([\x21-\x7e]+) *$/i.exec(auth);
        return m !== null && tokenMatches(m[1] as string) ? { kind: 'bearer' } : undefined;
      }
      return sessionOf(req, now);
    },
    tokenMatches,
    login(now) {
      const id = randomBytes(32).toString('base64url');
      const csrf = randomBytes(32).toString('base64url');
      sessions.set(digest(id).toString('base64'), { csrf, expiresAt: now + SESSION_TTL_MS });
      while (sessions.size > MAX_SESSIONS) sessions.delete(sessions.keys().next().value as string);
      return { id, csrf };
    },
    logout(id) {
      sessions.delete(digest(id).toString('base64'));
    },
    csrfProblem(req, caller) {
      if (caller?.kind !== 'session') return undefined;
      if (!sameOrigin(req)) return 'a state change with the session cookie must come from this origin';
      const given = req.headers[CSRF_HEADER];
      if (typeof given !== 'string' || !timingSafeEqual(digest(given), digest(caller.csrf))) {
        return `a state change with the session cookie needs the session's CSRF token in ${CSRF_HEADER}`;
      }
      return undefined;
    },
    sameOrigin,
  };
}

/** One cookie's value from a Cookie header (RFC 6265 §5.4), or undefined. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
