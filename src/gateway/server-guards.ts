import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { PROBLEM_HEADER, problemResponse } from '../pipeline/problem.ts';
import { PROBLEM_CODES } from '../pipeline/problem-codes.ts';
import type { CompiledPolicy } from '../policy/types.ts';

type ServerLimits = CompiledPolicy['server'];

/**
 * How often Node checks header and request timeouts. The default (30 s) would let a
 * slowloris client hold a socket far past headersTimeout.
 */
export function connectionsCheckingInterval(limits: ServerLimits): number {
  return Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4)));
}

/**
 * Slowloris guards: a client must send its headers, then its whole request, in bounded
 * time. A request that never parses is answered on the raw socket.
 */
export function guardServer(server: Server, limits: ServerLimits): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.idleTimeoutMs;
  server.on('clientError', answerClientError);
}

function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || socket.writableEnded) {
    socket.destroy();
    return;
  }
  // The request never parsed, so answer on the raw socket; the body is the same problem+json.
  const code = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'request-timeout' : 'bad-request';
  const answer = problemResponse(code, 'the request could not be read');
  socket.end(
    `HTTP/1.1 ${answer.status} ${PROBLEM_CODES[code].title}\r\ncontent-type: application/problem+json\r\n` +
      `${PROBLEM_HEADER}: ${code}\r\n` +
      `content-length: ${Buffer.byteLength(answer.body)}\r\nconnection: close\r\n\r\n${answer.body}`,
  );
}
