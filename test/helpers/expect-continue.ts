import { request } from 'node:http';

export interface ContinueAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  /** Whether the server sent 100 Continue before its final answer. */
  readonly continued: boolean;
}

/**
 * Sends a request the way curl does for a large body: `Expect: 100-continue`, and the body only
 * once the server says 100 Continue. A final answer that comes first ends the exchange without
 * the body (RFC 9110 section 10.1.1).
 */
export function postExpectingContinue(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body: Buffer | string },
): Promise<ContinueAnswer> {
  const body = typeof options.body === 'string' ? Buffer.from(options.body) : options.body;
  return new Promise((resolve, reject) => {
    let continued = false;
    const req = request(url, {
      method: options.method ?? 'POST',
      agent: false,
      headers: { ...options.headers, expect: '100-continue', 'content-length': String(body.length) },
    });
    req.on('continue', () => {
      continued = true;
      req.end(body);
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
          continued,
        });
        req.destroy();
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.flushHeaders();
  });
}
