import type { NextFunction, Response } from 'express';
import type { Pipeline, PipelineLogger } from '../../pipeline/pipeline.ts';
import type { PlainResponse, ResponsePlan } from '../../pipeline/types.ts';
import { isJson } from '../../pipeline/json-content-type.ts';
import { BODY_HEADERS } from '../../http/body-headers.ts';
import { holdAndSettle, replaceResponse } from '../hold-server-response.ts';
import { bytesResponse, heldResponseLimitOf, jsonResponse, settleResponse } from '../settle-response.ts';

/**
 * Holds an Express response on a route with a plan until it is filtered and settled. res.json
 * and res.send are intercepted as values: the filtered value is handed back to Express's own
 * res.json/res.send, so its JSON settings, ETag and freshness apply to what is sent. Anything
 * else (res.write, res.end, streams, res.sendFile) is held as bytes below Express, like the
 * node adapter, and filtered when it ends. Only the first response counts: the plan settles once.
 */
export function holdExpressResponse(
  pipeline: Pipeline,
  plan: ResponsePlan,
  res: Response,
  next: NextFunction,
  logger: PipelineLogger | undefined,
): void {
  const { json, send } = res;
  let claimed = false;
  let releasing = false;
  const hold = holdAndSettle(pipeline, plan, res, heldResponseLimitOf(pipeline), logger, () => {
    if (claimed) return false;
    claimed = true;
    return true;
  });

  function release(response: PlainResponse, same: () => void, filtered: (out: PlainResponse) => void): void {
    settleResponse(pipeline, plan, response, logger)
      .then((settled) => {
        hold.release(() => {
          releasing = true;
          if (!settled.released) replaceResponse(res, settled.response);
          else {
            for (const [name, value] of Object.entries(settled.added)) res.setHeader(name, value);
            if (settled.same) same();
            else filtered(settled.response);
          }
        });
      })
      .catch(next);
  }

  res.json = function guardedJson(this: Response, value?: unknown) {
    // Once the app writes bytes itself, the byte hold has the response: let Express write into it.
    if (releasing || hold.started) return json.call(this, value);
    if (claimed) return this;
    claimed = true;
    release(
      jsonResponse(this.statusCode, headerOf(this), value),
      () => json.call(this, value),
      (out) => json.call(withoutBodyHeaders(this), out.json),
    );
    return this;
  };

  res.send = function guardedSend(this: Response, body?: unknown) {
    if (releasing || hold.started) return send.call(this, body);
    if (claimed) return this;
    const textual = typeof body === 'string' || ArrayBuffer.isView(body);
    if (body !== null && body !== undefined && !textual) return this.json(body); // as Express does
    claimed = true;
    const type = headerOf(this);
    // A non-JSON response is settled with 0 records and sent as it is; bytes are never decoded.
    const bytes = textual && isJson(type) ? (body as string | Uint8Array) : undefined;
    release(
      bytesResponse(this.statusCode, type, bytes),
      () => send.call(this, body),
      (out) => send.call(withoutBodyHeaders(this), out.body),
    );
    return this;
  };
}

/**
 * The app's fields that described its own bytes (an ETag or digest it set, an encoding) are
 * wrong for the filtered body: drop them, and Express frames the new body and computes a fresh
 * ETag (when its etag setting is on) as it does for any response.
 */
function withoutBodyHeaders(res: Response): Response {
  for (const name of BODY_HEADERS) res.removeHeader(name);
  return res;
}

function headerOf(res: Response): string | undefined {
  const value = res.getHeader('content-type');
  return value === undefined ? undefined : String(value);
}
