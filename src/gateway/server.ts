import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { awaitContinue } from '../http/expect-continue.ts';
import type { AddressInfo } from 'node:net';
import { problemResponse } from '../pipeline/problem.ts';
import type { GatewayOptions } from './gateway-options.ts';
import { handleRequest, pathOf } from './handle-request.ts';
import { sendPlain } from '../http/send-plain.ts';
import { connectionsCheckingInterval, guardServer } from './server-guards.ts';
import type { UpstreamPool } from './upstream.ts';

export type { GatewayOptions } from './gateway-options.ts';

export interface Gateway {
  readonly server: Server;
  listen(port: number, host?: string): Promise<AddressInfo>;
  /**
   * Stops accepting, lets in-flight requests finish for up to `graceMs`, then closes; the
   * upstream pool gets another `graceMs` for requests still in flight, then is destroyed.
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * The reverse proxy: socket → pipeline.admit → upstream → client, streaming bodies except on
 * routes that price a request by its JSON body.
 */
export function createGateway(options: GatewayOptions): Gateway {
  const { logger, onReport } = options;
  const limits = options.pipeline.policy().server;
  const checkEvery = connectionsCheckingInterval(limits);
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    handleRequest(options, req, res).catch((err: unknown) => {
      logger.error(
        { err, method: req.method, path: pathOf(req.url ?? '/') },
        'request failed inside the gateway',
      );
      sendPlain(res, problemResponse('internal-error', 'the gateway failed to handle this request'), true);
      onReport?.({ route: undefined, outcome: 'denied', reason: 'internal-error', status: 500 });
    });
  };
  const server = createServer({ connectionsCheckingInterval: checkEvery }, onRequest);
  // Answer `Expect: 100-continue` ourselves: 100 Continue only once the body is wanted, so a
  // request refused by its headers gets its final answer instead (RFC 9110 section 10.1.1).
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    awaitContinue(res);
    onRequest(req, res);
  });
  guardServer(server, limits);
  return {
    server,
    listen: (port, host = '127.0.0.1') => listen(server, port, host),
    close: (graceMs = 10_000) => close(server, options.upstream, graceMs),
  };
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

async function close(server: Server, upstream: UpstreamPool, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      server.closeAllConnections();
      resolve();
    }, graceMs);
    timer.unref();
  });
  await Promise.race([closed, timeout]);
  clearTimeout(timer);
  await upstream.close(graceMs);
}
