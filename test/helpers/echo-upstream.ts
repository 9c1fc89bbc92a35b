import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EchoUpstream {
  readonly url: string;
  readonly server: Server;
  /** What the upstream last received. */
  last(): { method: string; url: string; headers: IncomingHttpHeaders; body: string } | undefined;
  /** Make the next responses wait this long before answering. */
  delay(ms: number): void;
  close(): Promise<void>;
}

/** An upstream that answers 200 with a JSON echo of the request; used by integration tests. */
export async function startEchoUpstream(): Promise<EchoUpstream> {
  let last: ReturnType<EchoUpstream['last']>;
  let wait = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      last = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      const text = JSON.stringify({
        ok: true,
        method: req.method,
        url: req.url,
        bytes: Buffer.concat(chunks).length,
      });
      const answer = (): void => {
        if (res.destroyed) return;
        res.writeHead(200, {
          'content-type': 'application/json',
          'x-upstream': 'echo',
          connection: 'keep-alive',
        });
        res.end(text);
      };
      if (wait > 0) setTimeout(answer, wait).unref();
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    last: () => last,
    delay: (ms) => {
      wait = ms;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
