import type { Context, MiddlewareHandler } from 'hono';
import { bodyTooLarge, parseJson } from '../../http/request-body.ts';
import { problemResponse } from '../../pipeline/problem.ts';
import type { PlainResponse } from '../../pipeline/types.ts';
import { loggerOf, pipelineFrom, type GuardOptions } from '../guard.ts';
import { heldResponseLimitOf } from '../settle-response.ts';
import { readLimitedText } from './read-limited-text.ts';
import { settleHonoResponse } from './settle-hono-response.ts';

export type { GuardOptions } from '../guard.ts';

export type HonoGuardOptions = GuardOptions & {
  /**
   * The client's socket address. Defaults to @hono/node-server's incoming socket; pass
   * `(c) => getConnInfo(c).remote.address` on other runtimes.
   */
  readonly remoteAddress?: (c: Context) => string | undefined;
};

/**
 * Hono middleware. On routes priced by their JSON body it reads the body, up to
 * server.bodyLimit (past it: 413 problem+json), and puts it back, so the handler can still call
 * `c.req.json()`.
 *
 * On routes with `egress` or `detect` the response (c.res, error responses too) is held after the
 * handler until it is filtered and scored: a JSON body is read up to max(server.bodyLimit,
 * 8 MiB) (past that: 502 problem+json) and c.res replaced by the filtered response, or by the
 * 403/429 problem+json when refused.
 */
export function enumguard(options: HonoGuardOptions): MiddlewareHandler {
  const pipeline = pipelineFrom(options);
  const remote = options.remoteAddress ?? nodeServerAddress;
  const logger = loggerOf(options);
  return async (c, next) => {
    const url = new URL(c.req.url);
    const target = url.pathname + url.search;
    const route = pipeline.matchRoute(c.req.method, url.pathname);
    let body: unknown;
    let rawBody: string | undefined;
    if (route?.needsBody) {
      const limit = pipeline.policy().server.bodyLimitBytes;
      const text = await readLimitedText(c, limit);
      if (text === undefined) return plain(bodyTooLarge(limit));
      const parsed = parseJson(Buffer.from(text));
      if (!parsed.ok) return plain(problemResponse('bad-request', parsed.error));
      body = parsed.value;
      rawBody = parsed.text;
    }
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const verdict = await pipeline.admit({
      method: c.req.method,
      url: target,
      headers,
      remoteAddress: remote(c) ?? '',
      body,
      rawBody,
    });
    if (!verdict.allowed) {
      return plain(verdict.response);
    }
    await next();
    if (verdict.plan !== undefined) {
      const limit = heldResponseLimitOf(pipeline);
      const released = await settleHonoResponse(c, pipeline, verdict.plan, limit, logger);
      if (!released) return undefined;
    }
    for (const [name, value] of Object.entries(verdict.headers)) c.res.headers.set(name, value);
    return undefined;
  };
}

function plain(r: PlainResponse): Response {
  return new Response(r.body, { status: r.status, headers: r.headers });
}

function nodeServerAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress;
}
