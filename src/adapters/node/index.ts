import type { IncomingMessage, ServerResponse } from 'node:http';
import { readJsonBody } from '../../http/request-body.ts';
import { drainLimit, refuseUnreadBody } from '../../http/refuse-body.ts';
import { sendPlain } from '../../http/send-plain.ts';
import { problemResponse } from '../../pipeline/problem.ts';
import { loggerOf, pipelineFrom, type GuardOptions } from '../guard.ts';
import { holdAndSettle } from '../hold-server-response.ts';
import { heldResponseLimitOf } from '../settle-response.ts';

export type { GuardOptions } from '../guard.ts';

/** The request after admission: `body` is the parsed JSON when the route priced it. */
export type GuardedRequest = IncomingMessage & { body?: unknown };

export type NodeHandler = (req: GuardedRequest, res: ServerResponse) => void;

/**
 * Wraps a node:http handler. Denied requests are answered with problem+json and never reach
 * `handler`; allowed ones get the rate-limit headers set on `res`. On routes priced by their
 * JSON body the body is read here and handed on as `req.body`, since the stream can be read
 * only once.
 *
 * On routes with `egress` or `detect` the response is held until it is filtered and settled:
 * what the handler writes to `res` (writeHead, write, end, streams piped into it) is
 * buffered, up to max(server.bodyLimit, 8 MiB) (past that: 502 problem+json), and sent only
 * once the plan has settled, with a correct content-length; a refused response is replaced by
 * the 403/429 problem+json and never reaches the client. Other routes are untouched.
 */
export function enumguard(
  options: GuardOptions & { bodyLimitBytes?: number },
  handler: NodeHandler,
): NodeHandler {
  const pipeline = pipelineFrom(options);
  const logger = loggerOf(options);
  return (req, res) => {
    admit(req, res).catch(() => {
      sendPlain(
        res,
        problemResponse('internal-error', 'the rate limiter failed to handle this request'),
        true,
      );
    });
  };

  async function admit(req: GuardedRequest, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const route = pipeline.matchRoute(method, q === -1 ? url : url.slice(0, q));
    let rawBody: string | undefined;
    if (route?.needsBody) {
      const limit = options.bodyLimitBytes ?? pipeline.policy().server.bodyLimitBytes;
      const read = await readJsonBody(req, limit);
      if (read.kind === 'aborted') return;
      if (read.kind === 'refused') {
        if (read.close) refuseUnreadBody(req, res, read.response, drainLimit(limit));
        else sendPlain(res, read.response);
        return;
      }
      req.body = read.value;
      rawBody = read.text;
    }
    const verdict = await pipeline.admit({
      method,
      url,
      headers: req.headers,
      remoteAddress: req.socket.remoteAddress ?? '',
      body: req.body,
      rawBody,
    });
    if (!verdict.allowed) {
      sendPlain(res, verdict.response);
      return;
    }
    for (const [name, value] of Object.entries(verdict.headers)) res.setHeader(name, value);
    if (verdict.plan !== undefined)
      holdAndSettle(pipeline, verdict.plan, res, heldResponseLimitOf(pipeline), logger);
    handler(req, res);
  }
}
