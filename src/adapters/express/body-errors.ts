import type { ErrorRequestHandler } from 'express';
import { problemResponse } from '../../pipeline/problem.ts';
import type { PlainResponse } from '../../pipeline/types.ts';

/**
 * What Express's body parsers (express.json(), express.urlencoded(), express.raw(), all
 * from body-parser) hand to next() when a body cannot be read: an http-errors error whose
 * `type` names the failure and whose `expose` says its message is safe to show a client.
 */
interface BodyParserError {
  readonly type: string;
  readonly status: number;
  readonly expose?: boolean;
  readonly limit?: number;
  readonly message: string;
}

function isBodyParserError(err: unknown): err is BodyParserError {
  const e = err as Partial<BodyParserError> | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.type === 'string' &&
    typeof e.status === 'number' &&
    e.status >= 400 &&
    e.status < 500
  );
}

/** The problem+json the gateway would give for the same body, or undefined for other errors. */
export function bodyParserProblem(err: unknown): PlainResponse | undefined {
  if (!isBodyParserError(err)) return undefined;
  switch (err.type) {
    case 'entity.parse.failed':
      return problemResponse('bad-request', `the request body is not valid JSON: ${err.message}`);
    case 'entity.too.large':
      return problemResponse(
        'body-too-large',
        err.limit === undefined
          ? 'the request body is too large'
          : `request bodies are limited to ${err.limit} bytes`,
      );
    default:
      // An unsupported charset or encoding (415), a body shorter than its length (400), ...
      // A verify hook's refusal (403) is forbidden; the rest are the request's fault (4xx).
      return problemResponse(
        err.status === 403 ? 'forbidden' : 'bad-request',
        err.expose ? err.message : 'the request body could not be read',
        { status: err.status },
      );
  }
}

/**
 * Express error middleware that answers a body the parser mounted before enumguard rejected
 * (malformed JSON, too large, a charset it does not take) as problem+json, like every other
 * refusal, instead of Express's default HTML page with a stack trace. Mount it after
 * enumguard, in the same app.use() or at the end:
 *
 *   app.use(express.json(), enumguard({ policy }), bodyParserErrors());
 *
 * Any other error goes on to the next error handler untouched.
 */
export function bodyParserErrors(): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    const answer = bodyParserProblem(err);
    if (answer === undefined || res.headersSent) {
      next(err);
      return;
    }
    // A Buffer keeps the content type exactly as set (a string would gain "; charset=utf-8").
    res.status(answer.status).set(answer.headers).send(Buffer.from(answer.body));
  };
}
