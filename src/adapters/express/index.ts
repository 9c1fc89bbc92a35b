import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { pipelineFrom, type GuardOptions } from '../guard.ts';

export type { GuardOptions } from '../guard.ts';

/**
 * Express middleware. Mount it after a JSON body parser (`express.json()`) when a route is
 * priced by its body, so `req.body` holds the lookup batch.
 */
export function enumguard(options: GuardOptions): RequestHandler {
  const pipeline = pipelineFrom(options);
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
        next();
      }, next);
  };
}
