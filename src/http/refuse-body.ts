import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PlainResponse } from '../pipeline/types.ts';

/** How long a refused body is read and discarded at most before the connection closes. */
export const DRAIN_MAX_MS = 5_000;
/** How many bytes of a refused body are read and discarded at least (or 4 × bodyLimit). */
export const DRAIN_MIN_BYTES = 16 * 1024 * 1024;

/** How many bytes of a refused body a transport reads and discards, given the bodyLimit. */
export function drainLimit(bodyLimitBytes: number): number {
  return Math.max(4 * bodyLimitBytes, DRAIN_MIN_BYTES);
}

/**
 * Answers a request whose body is left unread (too large, or refused before it was read) with
 * `connection: close`, then reads and discards the rest of the body, up to `maxBytes` or
 * `DRAIN_MAX_MS`, before closing. Closing at once would reset the connection while the client
 * still writes, and a reset makes the client's kernel drop the answer it has not read yet: the
 * client would see ECONNRESET instead of the 413 (RFC 9112 section 9.6: a server closing
 * a connection should half-close and keep reading to avoid just that).
 */
export function refuseUnreadBody(
  req: IncomingMessage,
  res: ServerResponse,
  response: PlainResponse,
  maxBytes: number,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(response.status, {
    ...response.headers,
    'content-length': Buffer.byteLength(response.body),
    connection: 'close',
  });
  if (req.complete || req.readableEnded || req.destroyed) {
    res.end(response.body);
    return;
  }
  // The whole answer goes out now; only its end (hence the close) waits for the body.
  res.write(response.body);
  drainBody(req, maxBytes, () => {
    if (!res.destroyed) res.end();
  });
}

/**
 * Reads and discards `req` until it ends or closes, past `maxBytes` or after DRAIN_MAX_MS, then
 * calls `done` (once): the moment a transport may close the connection without a reset.
 */
export function drainBody(req: IncomingMessage, maxBytes: number, done: () => void): void {
  let seen = 0;
  let finished = false;
  const finish = (): void => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    req.off('data', onData);
    done();
  };
  const onData = (chunk: Buffer): void => {
    seen += chunk.length;
    if (seen > maxBytes) finish();
  };
  const timer = setTimeout(finish, DRAIN_MAX_MS);
  timer.unref();
  req.on('data', onData);
  req.once('end', finish);
  req.once('close', finish);
  req.once('error', finish);
  req.resume();
}
