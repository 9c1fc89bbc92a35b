import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listenOwn } from './own-listener.ts';
import { EXPOSITION_CONTENT_TYPE } from '../metrics/exposition.ts';

export interface MetricsServerOptions {
  readonly host: string;
  /** 0 picks a free port (see `address`). */
  readonly port: number;
  /** Where the exposition is served, e.g. "/metrics"; a query string is ignored. */
  readonly path: string;
  /** The exposition text, computed at each scrape. */
  readonly render: () => string;
  readonly logger?: { error(obj: object, msg: string): void };
}

export interface MetricsServer {
  readonly address: AddressInfo;
  close(): Promise<void>;
}

/** An admin listener has nothing slow to wait for: a client gets this long for its request. */
const REQUEST_TIMEOUT_MS = 5_000;

/**
 * The metrics endpoint's own HTTP listener, apart from the gateway's: GET or HEAD on `path`
 * answers the Prometheus text exposition; anything else is 404 (another path) or 405 (another
 * method). A listen failure (address in use, not an address of this host) rejects with
 * ERR_CONFIG naming the address, so the gateway refuses to start rather than run unobserved.
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const { path, render, logger } = options;
  const server = createServer((req, res) => answer(req, res));
  server.headersTimeout = REQUEST_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;

  function answer(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    if ((q === -1 ? url : url.slice(0, q)) !== path) {
      plain(res, 404, `not found: metrics are served at ${path}\n`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      plain(res, 405, 'method not allowed: use GET\n', { allow: 'GET, HEAD' });
      return;
    }
    let text: string;
    try {
      text = render();
    } catch (err) {
      logger?.error({ err }, 'rendering the metrics failed');
      plain(res, 500, 'rendering the metrics failed; see the gateway log\n');
      return;
    }
    res.writeHead(200, {
      'content-type': EXPOSITION_CONTENT_TYPE,
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : text);
  }

  const address = await listenOwn(
    server,
    options,
    { serving: 'metrics', key: 'server.metrics.listen', label: 'metrics' },
    logger,
  );

  return {
    address,
    close: () =>
      new Promise<void>((resolve) => {
        // A scraper keeps its connection alive between scrapes: nothing in flight is worth waiting for.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function plain(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}
