import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Received {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  /** performance.now() when the whole body had arrived. */
  readonly arrivedAt: number;
}

export interface AlertReceiver {
  readonly url: string;
  readonly received: Received[];
  /** Requests that arrived and are held unanswered ("hang" mode). */
  held(): number;
  close(): Promise<void>;
}

/**
 * A webhook receiver on loopback: records every request; answers 200 (`mode: "ok"`), or
 * reads the request and never answers (`"hang"`: the receiver that takes a connection and dies
 * inside). close() destroys held sockets.
 */
export async function startAlertReceiver(mode: 'ok' | 'hang' = 'ok'): Promise<AlertReceiver> {
  const received: Received[] = [];
  const sockets = new Set<Socket>();
  let held = 0;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        path: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        arrivedAt: performance.now(),
      });
      if (mode === 'hang') held++;
      else res.end();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    held: () => held,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
