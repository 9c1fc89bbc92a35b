import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../core/clock.ts';
import { parseJson, readBody } from '../http/request-body.ts';
import { systemClock } from '../runtime/system-clock.ts';
import { createReferenceHandler, problem } from './handler.ts';
import type { Population } from './population/population.ts';
import { createReferenceService, type ReferenceService } from './service.ts';

export interface ReferenceServerOptions {
  readonly population: Population;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly host?: string;
  readonly clock?: Clock;
  readonly maxBatch?: number;
  /** Largest request body read, in bytes (413 beyond). */
  readonly maxBodyBytes?: number;
}

export interface RunningReferenceService {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  readonly service: ReferenceService;
  close: () => Promise<void>;
}

/** Serves the reference API over node:http (loopback by default). */
export async function startReferenceService(
  options: ReferenceServerOptions,
): Promise<RunningReferenceService> {
  const service = createReferenceService({
    population: options.population,
    clock: options.clock ?? systemClock,
    ...(options.maxBatch === undefined ? {} : { maxBatch: options.maxBatch }),
  });
  const handle = createReferenceHandler(service);
  // A batch of maxBatch numbers is about 20 bytes each in JSON; leave room for whitespace.
  const limit = options.maxBodyBytes ?? Math.max(64 * 1024, service.maxBatch * 64);
  const server = createServer((req, res) => {
    void readBody(req, limit).then((read) => {
      if (read.kind === 'aborted') return;
      let response;
      if (read.kind === 'too-large') {
        response = problem(413, 'body-too-large', `the body exceeds ${limit} bytes`);
      } else {
        const parsed = parseJson(read.bytes);
        response = parsed.ok
          ? handle({
              method: req.method ?? 'GET',
              url: req.url ?? '/',
              headers: req.headers,
              ...(parsed.value === undefined ? {} : { body: parsed.value }),
            })
          : problem(400, 'bad-request', parsed.error);
      }
      const body = req.method === 'HEAD' ? '' : response.body;
      res.writeHead(response.status, {
        ...response.headers,
        'content-length': Buffer.byteLength(response.body),
      });
      res.end(body);
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    server,
    service,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
