import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline as pipeStreams } from 'node:stream/promises';
import { heldResponseLimit } from '../http/held-response-limit.ts';
import { problemResponse } from '../pipeline/problem.ts';
import type { Admission } from '../pipeline/types.ts';
import type { SentResponse } from './request-report.ts';
import { bodyTooLarge } from '../http/request-body.ts';
import { settleUpstreamResponse } from './settle-upstream-response.ts';
import type { GatewayOptions } from './gateway-options.ts';
import { downstreamHeaders, upstreamHeaders } from './headers.ts';
import { BodyTooLargeError, limitStream } from './limit-stream.ts';
import { sendPlain } from '../http/send-plain.ts';
import { sendContinue } from '../http/expect-continue.ts';
import { drainLimit, refuseUnreadBody } from '../http/refuse-body.ts';
import { classifyUpstreamError, type UpstreamResponse } from './upstream.ts';

/** Upstream answers up to this size are sent in one write instead of streamed. */
const SMALL_BODY_BYTES = 64 * 1024;

/**
 * Sends an admitted request upstream (its body buffered, or streamed within bodyLimit) and
 * its answer to the client: through the plan when the route has one. Returns what was sent.
 */
export async function forward(
  g: GatewayOptions,
  req: IncomingMessage,
  res: ServerResponse,
  verdict: Extract<Admission, { allowed: true }>,
  url: string,
  peer: string,
  buffered: Buffer | undefined,
): Promise<SentResponse> {
  const streamed = buffered === undefined ? streamedBody(g, req, res) : undefined;
  let clientGone = false;
  res.once('close', () => {
    clientGone = !res.writableFinished;
  });
  try {
    const up = await g.upstream.request({
      method: req.method ?? 'GET',
      path: url,
      headers: upstreamHeaders(req.headers, peer, verdict.caller.identity, verdict.plan !== undefined),
      body: buffered ?? streamed,
    });
    if (clientGone) return dropAnswer(up);
    if (verdict.plan !== undefined) {
      // The plan settles the answer before a byte goes out; a filtered one is held till then.
      const sent = await settleUpstreamResponse({
        res,
        up,
        plan: verdict.plan,
        method: req.method ?? 'GET',
        headers: verdict.headers,
        holdLimit: heldResponseLimit(g.pipeline.policy().server.bodyLimitBytes),
        logger: g.logger,
      });
      if (sent !== undefined) return sent;
    }
    await relay(res, up, verdict.headers);
    return { status: up.status };
  } catch (err) {
    return failed(g, req, res, err, clientGone);
  }
}

/** A body the request streams (not buffered for its route), piped through the size limit. */
function streamedBody(g: GatewayOptions, req: IncomingMessage, res: ServerResponse): Readable | undefined {
  const hasBody =
    req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (!hasBody) return undefined;
  sendContinue(res); // admitted: now the body is wanted
  const limiter = limitStream(g.pipeline.policy().server.bodyLimitBytes);
  req.pipe(limiter);
  // pipe() does not pass on a client that hangs up (or is cut off by requestTimeout) before its
  // body is complete: the upstream would wait for the rest on a pooled connection, and enough
  // such uploads would hold every connection. Fail the body instead, which aborts the request.
  req.once('close', () => {
    if (!req.complete) limiter.destroy(new ClientGoneError());
  });
  return limiter;
}

/** The client left before its streamed body was complete. */
class ClientGoneError extends Error {
  constructor() {
    super('the client closed the connection before its request body was complete');
    this.name = 'ClientGoneError';
  }
}

/**
 * The client hung up while the upstream answered: drop the answer. The listener keeps the
 * abort this causes from surfacing as an unhandled 'error'.
 */
function dropAnswer(up: UpstreamResponse): SentResponse {
  up.body.on('error', () => undefined);
  up.body.destroy();
  return { status: 499 };
}

/** The upstream's answer to the client as it is, with the admission's headers added. */
async function relay(
  res: ServerResponse,
  up: UpstreamResponse,
  added: Readonly<Record<string, string>>,
): Promise<void> {
  const headers = { ...downstreamHeaders(up.headers), ...added };
  const length = Number(up.headers['content-length']);
  if (length <= SMALL_BODY_BYTES) {
    // Small answers (most lookups) go out in one write: headers and body together.
    const chunks: Buffer[] = [];
    for await (const chunk of up.body) chunks.push(chunk as Buffer);
    res.writeHead(up.status, headers);
    res.end(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
  } else {
    res.writeHead(up.status, headers);
    await pipeStreams(up.body, res);
  }
}

/** What the client gets when forwarding failed: 413 for a body past the limit, else 502 or 504. */
function failed(
  g: GatewayOptions,
  req: IncomingMessage,
  res: ServerResponse,
  err: unknown,
  clientGone: boolean,
): SentResponse {
  if (res.headersSent || clientGone) {
    res.destroy();
    return { status: res.statusCode };
  }
  if (err instanceof BodyTooLargeError || (err as { cause?: unknown }).cause instanceof BodyTooLargeError) {
    const limit = g.pipeline.policy().server.bodyLimitBytes;
    refuseUnreadBody(req, res, bodyTooLarge(limit), drainLimit(limit));
    return { status: 413, problem: 'body-too-large' };
  }
  const failure = classifyUpstreamError(err);
  g.logger.warn({ err, upstream: g.upstream.origin, failure }, 'upstream request failed');
  const answer =
    failure === 'timeout'
      ? problemResponse('upstream-timeout', 'the upstream service did not answer in time')
      : problemResponse('upstream-failed', 'the upstream service could not be reached');
  sendPlain(res, answer);
  return { status: answer.status, problem: answer.problem };
}
