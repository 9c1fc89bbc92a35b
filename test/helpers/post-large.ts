import { request } from 'node:http';

/** What a client made of one request: the status it read, or the error it got instead. */
export type LargePostOutcome = { readonly status: number } | { readonly error: string };

/**
 * Sends `body` in one go (content-length, or chunked when `chunked`) and reads whatever comes
 * back, as the simplest clients do (curl among them): the answer is read only once the whole
 * body is written, or the write failed. A server that closes while the client still writes
 * resets the connection, and the reset drops the answer the client has not read.
 */
export function postLarge(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body: Buffer; chunked?: boolean },
): Promise<LargePostOutcome> {
  return new Promise((resolve) => {
    const req = request(url, {
      method: options.method ?? 'POST',
      agent: false,
      headers: {
        ...options.headers,
        ...(options.chunked
          ? { 'transfer-encoding': 'chunked' }
          : { 'content-length': String(options.body.length) }),
      },
    });
    req.on('response', (res) => {
      res.on('data', () => undefined);
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0 });
        req.destroy();
      });
      res.on('error', (err) => resolve({ error: err.message }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    req.once('socket', (socket) => {
      socket.pause();
      req.end(options.body, () => socket.resume());
    });
  });
}
