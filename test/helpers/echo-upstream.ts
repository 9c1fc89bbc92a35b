import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCounter } from './wait-for.ts';

export interface EchoUpstream {
  readonly url: string;
  readonly server: Server;
  /** What the upstream last received. */
  last(): { method: string; url: string; headers: IncomingHttpHeaders; body: string } | undefined;
  /**
   * Holds the answers to the requests that arrive from now on until release(): a slow upstream
   * without a clock in it. A request held when the test ends is never answered, which is what
   * an upstream timeout test needs.
   */
  hold(): void;
  /** Answers the held requests and stops holding. */
  release(): void;
  /** Resolves once `n` requests (counted from the start) have arrived in full. */
  received(n: number): Promise<void>;
  /** Resolves once `n` responses (counted from the start) are over: sent, or their connection gone. */
  settled(n: number): Promise<void>;
  close(): Promise<void>;
}

/** An upstream that answers 200 with a JSON echo of the request; used by integration tests. */
export async function startEchoUpstream(): Promise<EchoUpstream> {
  let last: ReturnType<EchoUpstream['last']>;
  let holding = false;
  let held: (() => void)[] = [];
  const received = createCounter('requests the upstream received');
  const settled = createCounter('responses of the upstream that are over');
  const server = createServer((req, res) => {
    res.once('close', () => settled.add());
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
      if (holding) held.push(answer);
      else answer();
      received.add();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    last: () => last,
    hold: () => {
      holding = true;
    },
    release: () => {
      holding = false;
      const answers = held;
      held = [];
      for (const answer of answers) answer();
    },
    received: (n) => received.reached(n),
    settled: (n) => settled.reached(n),
    close: () =>
      new Promise((resolve) => {
        held = [];
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
