import type { FastifyReply } from 'fastify';
import type { Pipeline, PipelineLogger } from '../../pipeline/pipeline.ts';
import { problemResponse } from '../../pipeline/problem.ts';
import type { PlainResponse, ResponsePlan } from '../../pipeline/types.ts';
import { BODY_HEADERS } from '../../http/body-headers.ts';
import { headerText } from '../../http/header-text.ts';
import {
  bytesResponse,
  cannotFilterEncoded,
  encodingOf,
  planFilters,
  settleResponse,
  tooLargeToHold,
} from '../settle-response.ts';

/**
 * Settles the onSend payload of a route with a plan: returns the (filtered) payload to send,
 * or the refusal that replaces it (status and headers set on `reply`). Fastify has serialized
 * the route's value by now, so a filtered JSON response is parsed once here. A streamed JSON
 * response is read up to `limit` bytes; past that it is refused with a 502.
 */
export async function settleFastifyPayload(
  pipeline: Pipeline,
  plan: ResponsePlan,
  reply: FastifyReply,
  payload: unknown,
  limit: number,
  logger: PipelineLogger | undefined,
): Promise<unknown> {
  const status = reply.statusCode;
  const type = headerText(reply.getHeader('content-type'));
  const filtering = planFilters(plan, status, type);
  let bytes: string | Uint8Array | undefined;
  if (typeof payload === 'string' || payload instanceof Uint8Array) bytes = payload;
  else if (filtering && payload !== null && payload !== undefined) {
    const read = isIterable(payload) ? await readBounded(payload, limit) : 'unreadable';
    if (read === 'too-large') return replace(reply, tooLargeToHold(limit));
    if (read === 'unreadable')
      return replace(
        reply,
        problemResponse('upstream-failed', 'enumguard cannot filter this kind of answer'),
      );
    bytes = read;
  }
  const encoding = encodingOf(reply.getHeader('content-encoding'));
  if (filtering && encoding !== undefined) return replace(reply, cannotFilterEncoded(encoding));

  const response = bytesResponse(status, type, filtering ? bytes : undefined);
  const settled = await settleResponse(pipeline, plan, response, logger);
  if (!settled.released) return replace(reply, settled.response);
  for (const [name, value] of Object.entries(settled.added)) reply.header(name, value);
  // The same response: a stream read above is sent from what was held.
  if (settled.same) return bytes ?? payload;
  for (const name of BODY_HEADERS) reply.removeHeader(name);
  return settled.response.body;
}

/** A refusal replaces the response: none of the app's headers (type, cookies, validators) apply. */
function replace(reply: FastifyReply, replacement: PlainResponse): string {
  for (const name of Object.keys(reply.getHeaders())) reply.removeHeader(name);
  void reply.code(replacement.status).headers(replacement.headers);
  return replacement.body;
}

function isIterable(value: unknown): value is AsyncIterable<Uint8Array | string> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

async function readBounded(
  body: AsyncIterable<Uint8Array | string>,
  limit: number,
): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Leaving the loop early destroys (or cancels) the stream.
  for await (const chunk of body) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk);
    size += buf.byteLength;
    if (size > limit) return 'too-large';
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}
