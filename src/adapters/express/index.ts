import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { loggerOf, pipelineFrom, type GuardOptions } from '../guard.ts';
import { holdExpressResponse } from './hold-express-response.ts';

export type { GuardOptions } from '../guard.ts';
export { bodyParserErrors } from './body-errors.ts';

/**
 * Express middleware. Mount it after a JSON body parser (`express.json()`) when a route is
 * priced by its body, so `req.body` holds the lookup batch.
 *
 * On routes with `egress` or `detect` the JSON response is held until it is filtered and
 * scored: res.json and res.send (hence res.status().json(), res.sendStatus) are intercepted
 * as values; bytes written with res.write/res.end or piped streams are buffered up to
 * max(server.bodyLimit, 8 MiB) (past that: 502 problem+json) and filtered when they end. A
 * refused response is replaced by the 403/429 problem+json and never reaches the client. Mount
 * compression before enumguard: a compressed JSON response cannot be filtered and is refused.
 */
export function enumguard(options: GuardOptions): RequestHandler {
  const pipeline = pipelineFrom(options);
  const logger = loggerOf(options);
  return (req: Request, res: Response, next: NextFunction) => {
    pipeline
      .admit({
        method: req.method,
        url: req.originalUrl,
        headers: req.headers,
        remoteAddress: req.socket.remoteAddress ?? '',
        body: req.body as unknown,
      })
      .then((verdict) => {
        if (!verdict.allowed) {
          // A Buffer keeps the content type exactly as set (a string would gain "; charset=utf-8").
          res
            .status(verdict.response.status)
            .set(verdict.response.headers)
            .send(Buffer.from(verdict.response.body));
          return;
        }
        res.set(verdict.headers);
        if (verdict.plan !== undefined) holdExpressResponse(pipeline, verdict.plan, res, next, logger);
        next();
      }, next);
  };
}
