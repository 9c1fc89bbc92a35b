import type { FastifyReply, FastifyRequest } from 'fastify';
import { PassThrough } from 'node:stream';
import { drainBody } from '../../http/refuse-body.ts';

/**
 * Fastify refuses a body its parser rejects (past its own bodyLimit: 413) with
 * `connection: close` before reading it, and Node then closes the socket while the client still
 * writes: the client sees a reset instead of the answer. This keeps such an answer's end back
 * until the rest of the body is read and discarded (within `maxBytes` and the drain time),
 * so the close comes after the client has written its body. Other payloads pass unchanged.
 */
export function drainRefusedBody(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
  maxBytes: number,
): unknown {
  const raw = request.raw;
  if (raw.complete || raw.readableEnded || raw.destroyed) return payload;
  if (String(reply.getHeader('connection') ?? '').toLowerCase() !== 'close') return payload;
  if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
  const out = new PassThrough();
  out.write(payload);
  drainBody(raw, maxBytes, () => out.end());
  return out;
}
