import type { ServerResponse } from 'node:http';
import type { PlainResponse } from '../pipeline/types.ts';

/**
 * Writes a complete plain response: a denial, a transport's own error, or the problem that
 * replaces a withheld response. Shared by the gateway and the adapters.
 */
export function sendPlain(res: ServerResponse, response: PlainResponse, closeConnection = false): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const headers: Record<string, string | number> = {
    ...response.headers,
    'content-length': Buffer.byteLength(response.body),
  };
  // After refusing an unread body the connection cannot be reused safely.
  if (closeConnection) headers.connection = 'close';
  res.writeHead(response.status, headers);
  res.end(response.body);
}
