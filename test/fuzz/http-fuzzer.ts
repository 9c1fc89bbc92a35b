import { connect } from 'node:net';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { manualClock } from '../../src/core/clock.ts';
import { createGateway } from '../../src/gateway/server.ts';
import { createUpstreamPool } from '../../src/gateway/upstream.ts';
import { createPipeline } from '../../src/pipeline/pipeline.ts';
import { compilePolicy } from '../../src/policy/index.ts';
import { createMemoryStore } from '../../src/stores/memory-store.ts';
import { captureLogger } from '../helpers/capture-logger.ts';
import { lookupPolicy } from '../helpers/policies.ts';
import { caseRng } from './fuzz-rng.ts';
import { hostileRequest } from './http-requests.ts';

/**
 * The HTTP fuzzer (issue 13): hostile requests over raw sockets against one gateway on a
 * memory store and a manual clock (so quotas never refill during a run). The properties:
 * - every request gets a valid HTTP/1.x answer, or its connection is closed without one;
 *   never a 5xx (the upstream never fails, so a 5xx is the client's doing) and never a hang;
 * - the gateway answers a health request after every HEALTH_EVERY requests and at the end;
 * - nothing is thrown uncaught, and nothing is logged as an enumguard bug;
 * - no limit is bypassed: the upstream receives at most the photo route's 3 lookups and the
 *   discover route's 10 numbers of the one key that may use them.
 */
export const HEALTH_EVERY = 250;
/** A connection not over after this long is a hang (the server's own timeouts are 10 s and 30 s). */
const HANG_MS = 45_000;
const PHOTO_QUOTA = 3;
const DISCOVER_QUOTA = 10;

export interface HttpFuzzReport {
  readonly seed: number;
  readonly from: number;
  readonly requests: number;
  readonly statuses: Record<string, number>;
  readonly closedWithoutAnswer: number;
  readonly resetWithoutAnswer: number;
  readonly failures: string[];
  readonly healthChecks: number;
  readonly uncaught: number;
  readonly errorLogLines: number;
  readonly photoForwarded: number;
  readonly numbersForwarded: number;
  /** The slowest exchange and its request, for the report. */
  readonly slowest: string;
  readonly seconds: number;
}

interface Exchange {
  readonly data: Buffer;
  readonly end: 'close' | 'reset' | 'timeout';
}

/**
 * Writes the request and waits for the first complete final answer (a 1xx is skipped), or
 * for the gateway to close the connection; never half-closes, which a real client does not
 * either (node's server would end the socket before an answer that waits on the upstream).
 */
function exchange(port: number, chunks: readonly Buffer[]): Promise<Exchange> {
  return new Promise((resolve) => {
    let data = Buffer.alloc(0);
    let end: Exchange['end'] = 'close';
    const socket = connect(port, '127.0.0.1');
    const timer = setTimeout(() => {
      end = 'timeout';
      socket.destroy();
    }, HANG_MS);
    socket.on('data', (d: Buffer) => {
      data = Buffer.concat([data, d]);
      if (answerComplete(data.toString('latin1'))) socket.destroy();
    });
    socket.on('error', () => {
      if (end === 'close') end = 'reset';
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ data, end });
    });
    socket.on('connect', () => {
      for (const chunk of chunks) socket.write(chunk);
    });
  });
}

/** True once `text` holds a final answer whose body (by content-length or chunked) is complete. */
export function answerComplete(text: string): boolean {
  let at = 0;
  for (;;) {
    const headEnd = text.indexOf('\r\n\r\n', at);
    if (headEnd < 0) return false;
    const head = text.slice(at, headEnd);
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? NaN);
    if (Number.isNaN(status)) return true; // not HTTP: nothing more to wait for
    const bodyStart = headEnd + 4;
    if (status >= 100 && status < 200) {
      at = bodyStart;
      continue;
    }
    if (status === 204 || status === 304) return true;
    const length = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1];
    if (length !== undefined) return text.length - bodyStart >= Number(length);
    if (/\r\ntransfer-encoding: *chunked/i.test(head)) return text.includes('\r\n0\r\n\r\n', bodyStart - 2);
    return false; // a body read to the close
  }
}

/** The upstream: records what the gateway let through, answers 200. */
function recordingUpstream(): { server: Server; photo: () => number; numbers: () => number } {
  let photo = 0;
  let numbers = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = decodeURIComponent(req.url ?? '')
        .toLowerCase()
        .replace(/\/+/g, '/');
      if (/accounts\/[^/]*\/photo/.test(path)) photo++;
      if (path.includes('discover')) numbers += countNumbers(Buffer.concat(chunks).toString());
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  return { server, photo: () => photo, numbers: () => numbers };
}

/** Items of every array under a key spelt "numbers" in any case: what an upstream could read. */
function countNumbers(body: string): number {
  try {
    const value = JSON.parse(body) as unknown;
    if (Array.isArray(value)) return value.length;
    if (value === null || typeof value !== 'object') return 0;
    let n = 0;
    for (const [k, v] of Object.entries(value))
      if (k.toLowerCase() === 'numbers' && Array.isArray(v)) n += v.length;
    return n;
  } catch {
    return 0;
  }
}

const STATUS_LINE = /^HTTP\/1\.[01] (\d{3})[ \r]/;

/** Runs requests [from, from + requests) of the run seeded `seed`, `concurrency` at a time. */
export async function fuzzHttp(options: {
  seed: number;
  requests: number;
  from?: number;
  concurrency?: number;
  onProgress?: (done: number) => void;
}): Promise<HttpFuzzReport> {
  const from = options.from ?? 0;
  const started = performance.now();
  const failures: string[] = [];
  let uncaught = 0;
  const onUncaught = (err: unknown): void => {
    uncaught++;
    failures.push(`uncaught: ${String(err)}`);
  };
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);

  const upstream = recordingUpstream();
  await new Promise<void>((resolve) => upstream.server.listen(0, '127.0.0.1', resolve));
  const upstreamUrl = `http://127.0.0.1:${(upstream.server.address() as AddressInfo).port}`;
  // Short server timeouts: a request left unfinished on purpose is closed in seconds.
  const timeouts = { headersTimeout: '2s', requestTimeout: '4s' };
  const policy = compilePolicy(lookupPolicy(upstreamUrl, timeouts), { source: 'fuzz.yaml' });
  const clock = manualClock(0);
  const { logger, lines } = captureLogger('error');
  const gateway = createGateway({
    pipeline: createPipeline({ policy, store: createMemoryStore({ clock }), clock }),
    upstream: createUpstreamPool(upstreamUrl, { timeoutMs: policy.server.upstreamTimeoutMs }),
    logger,
  });
  const { port } = await gateway.listen(0);

  const statuses: Record<string, number> = {};
  let closedWithoutAnswer = 0;
  let resetWithoutAnswer = 0;
  let healthChecks = 0;

  async function health(): Promise<void> {
    const answer = await exchange(port, [Buffer.from('GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n')]);
    healthChecks++;
    const status = STATUS_LINE.exec(answer.data.toString('latin1'))?.[1];
    if (status !== '200') failures.push(`health check ${healthChecks}: ${status ?? answer.end}`);
  }

  let slowest = { ms: 0, what: '' };
  async function one(index: number): Promise<void> {
    const request = hostileRequest(caseRng(options.seed, index));
    const t0 = performance.now();
    const answer = await exchange(port, request.chunks);
    const ms = performance.now() - t0;
    if (ms > slowest.ms) slowest = { ms, what: `request ${index} (${request.description})` };
    const text = answer.data.toString('latin1');
    const where = `request ${index} (${request.description})`;
    if (answer.end === 'timeout') {
      failures.push(`${where}: no answer and no close in ${HANG_MS} ms`);
      return;
    }
    if (text.length === 0) {
      if (answer.end === 'reset') resetWithoutAnswer++;
      else closedWithoutAnswer++;
      return;
    }
    const status = STATUS_LINE.exec(text)?.[1];
    if (status === undefined) {
      failures.push(`${where}: not an HTTP answer: ${JSON.stringify(text.slice(0, 80))}`);
      return;
    }
    // Every answer on the connection (pipelined requests get one each).
    for (const m of text.matchAll(/(?:^|\r\n)HTTP\/1\.[01] (\d{3}) /g)) {
      const code = m[1] as string;
      statuses[code] = (statuses[code] ?? 0) + 1;
      if (code.startsWith('5')) failures.push(`${where}: answered ${code}`);
    }
  }

  // No barrier between batches: a worker that finishes every HEALTH_EVERY-th request checks
  // health itself, while the others go on (a request left unfinished on purpose takes seconds).
  let next = from;
  let finished = 0;
  const end = from + options.requests;
  const workers = Array.from({ length: options.concurrency ?? 256 }, async () => {
    while (next < end) {
      await one(next++);
      if (++finished % HEALTH_EVERY === 0) {
        await health();
        options.onProgress?.(finished);
      }
    }
  });
  await Promise.all(workers);
  await health();

  await gateway.close(1000);
  // Keep-alive and half-sent requests would hold the upstream's close for its 5-minute timeout.
  upstream.server.closeAllConnections();
  await new Promise<void>((resolve) => upstream.server.close(() => resolve()));
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUncaught);

  const bugs = lines.filter((l) => l.includes('enumguard bug'));
  for (const l of bugs.slice(0, 5)) failures.push(`logged: ${l.slice(0, 300)}`);
  if (upstream.photo() > PHOTO_QUOTA)
    failures.push(
      `limit bypass: ${upstream.photo()} photo lookups reached the upstream, quota ${PHOTO_QUOTA}`,
    );
  if (upstream.numbers() > DISCOVER_QUOTA)
    failures.push(
      `limit bypass: ${upstream.numbers()} numbers reached the upstream, quota ${DISCOVER_QUOTA}`,
    );
  return {
    seed: options.seed,
    from,
    requests: options.requests,
    statuses,
    closedWithoutAnswer,
    resetWithoutAnswer,
    failures,
    healthChecks,
    uncaught,
    errorLogLines: lines.length,
    photoForwarded: upstream.photo(),
    numbersForwarded: upstream.numbers(),
    slowest: `${slowest.ms.toFixed(0)} ms: ${slowest.what}`,
    seconds: (performance.now() - started) / 1000,
  };
}
