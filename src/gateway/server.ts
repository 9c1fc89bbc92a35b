import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline as pipeStreams } from 'node:stream/promises';
import type { Logger } from 'pino';
import type { Pipeline } from '../pipeline/pipeline.ts';
import { problemResponse } from '../pipeline/problem.ts';
import { PROBLEM_CODES } from '../pipeline/problem-codes.ts';
import type { Admission, PlainResponse } from '../pipeline/types.ts';
import { bodyTooLarge, readJsonBody } from '../http/request-body.ts';
import { heldResponseLimit } from '../http/held-response-limit.ts';
import { reportOf, type RequestReport, type SentResponse } from './request-report.ts';
import { settleUpstreamResponse } from './settle-upstream-response.ts';
import { downstreamHeaders, upstreamHeaders } from './headers.ts';
import { BodyTooLargeError, limitStream } from './limit-stream.ts';
import { sendPlain } from '../http/send-plain.ts';
import { classifyUpstreamError, type UpstreamPool } from './upstream.ts';

/** Upstream answers up to this size are sent in one write instead of streamed. */
const SMALL_BODY_BYTES = 64 * 1024;

export interface GatewayOptions {
  readonly pipeline: Pipeline;
  readonly upstream: UpstreamPool;
  readonly logger: Logger;
  /** Called once per request after its answer went out (metrics); must not throw. */
  readonly onReport?: (report: RequestReport) => void;
}

export interface Gateway {
  readonly server: Server;
  listen(port: number, host?: string): Promise<AddressInfo>;
  /** Stops accepting, lets in-flight requests finish for up to `graceMs`, then closes. */
  close(graceMs?: number): Promise<void>;
}

/**
 * The reverse proxy: socket → pipeline.admit → upstream → client, streaming bodies except on
 * routes that price a request by its JSON body.
 */
export function createGateway(options: GatewayOptions): Gateway {
  const { pipeline, upstream, logger, onReport } = options;
  const limits = pipeline.policy().server;

  // Node checks header and request timeouts on this interval; the default (30 s) would let a
  // slowloris client hold a socket far past headersTimeout.
  const checkEvery = Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4)));
  const server = createServer({ connectionsCheckingInterval: checkEvery }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      logger.error(
        { err, method: req.method, path: pathOf(req.url ?? '/') },
        'request failed inside the gateway',
      );
      sendPlain(res, problemResponse('internal-error', 'the gateway failed to handle this request'), true);
      onReport?.({ route: undefined, outcome: 'denied', reason: 'internal-error', status: 500 });
    });
  });
  // Slowloris guards: a client must send its headers, then its whole request, in bounded time.
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.idleTimeoutMs;
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (socket.writable && !socket.writableEnded) {
      // The request never parsed, so answer on the raw socket; the body is the same problem+json.
      const code = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'request-timeout' : 'bad-request';
      const answer = problemResponse(code, 'the request could not be read');
      socket.end(
        `HTTP/1.1 ${answer.status} ${PROBLEM_CODES[code].title}\r\ncontent-type: application/problem+json\r\n` +
          `content-length: ${Buffer.byteLength(answer.body)}\r\nconnection: close\r\n\r\n${answer.body}`,
      );
    } else {
      socket.destroy();
    }
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const path = pathOf(url);
    const peer = req.socket.remoteAddress ?? '';
    const bodyLimit = pipeline.policy().server.bodyLimitBytes;

    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > bodyLimit) {
      req.resume();
      const answer = bodyTooLarge(bodyLimit);
      sendPlain(res, answer, true);
      refused(pipeline.matchRoute(method, path)?.id, answer);
      return;
    }

    let buffered: Buffer | undefined;
    let body: unknown;
    const matched = pipeline.matchRoute(method, path);
    if (matched?.needsBody) {
      const read = await readJsonBody(req, bodyLimit);
      if (read.kind === 'aborted') return;
      if (read.kind === 'refused') {
        sendPlain(res, read.response, read.close);
        refused(matched.id, read.response);
        return;
      }
      buffered = read.bytes;
      body = read.value;
    }

    const verdict = await pipeline.admit({ method, url, headers: req.headers, remoteAddress: peer, body });
    if (!verdict.allowed) {
      if (!req.complete && buffered === undefined) req.resume();
      sendPlain(res, verdict.response);
      logDecision(verdict, method, path, verdict.response.status, started);
      onReport?.({
        route: verdict.route?.id,
        outcome: 'denied',
        reason: verdict.decision.reason,
        status: verdict.response.status,
      });
      return;
    }

    const sent = await forward(req, res, verdict, url, peer, buffered);
    logDecision(verdict, method, path, sent.status, started);
    onReport?.(reportOf(verdict.route?.id, sent));
  }

  /** Reports a request refused before admission (its body: too large, or not JSON). */
  function refused(route: string | undefined, answer: PlainResponse): void {
    const reason = answer.problem ?? 'bad-request';
    onReport?.({ route, outcome: 'denied', reason, status: answer.status });
  }

  async function forward(
    req: IncomingMessage,
    res: ServerResponse,
    verdict: Extract<Admission, { allowed: true }>,
    url: string,
    peer: string,
    buffered: Buffer | undefined,
  ): Promise<SentResponse> {
    const hasBody =
      buffered === undefined &&
      (req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0);
    const limiter = hasBody ? limitStream(pipeline.policy().server.bodyLimitBytes) : undefined;
    if (limiter) req.pipe(limiter);
    let clientGone = false;
    res.once('close', () => {
      clientGone = !res.writableFinished;
    });
    try {
      const up = await upstream.request({
        method: req.method ?? 'GET',
        path: url,
        headers: upstreamHeaders(req.headers, peer, verdict.caller.identity?.id, verdict.plan !== undefined),
        body: buffered ?? limiter,
      });
      if (clientGone) {
        // The client hung up while the upstream answered: drop the answer. The listener
        // keeps the abort this causes from surfacing as an unhandled 'error'.
        up.body.on('error', () => undefined);
        up.body.destroy();
        return { status: 499 };
      }
      if (verdict.plan !== undefined) {
        // The plan settles the answer before a byte goes out; a filtered one is held till then.
        const sent = await settleUpstreamResponse({
          res,
          up,
          plan: verdict.plan,
          method: req.method ?? 'GET',
          headers: verdict.headers,
          holdLimit: heldResponseLimit(pipeline.policy().server.bodyLimitBytes),
          logger,
        });
        if (sent !== undefined) return sent;
      }
      const headers = { ...downstreamHeaders(up.headers), ...verdict.headers };
      const length = Number(up.headers['content-length']);
      if (length <= SMALL_BODY_BYTES) {
        // Small answers (most lookups) go out in one write: headers and body together.
        const chunks: Buffer[] = [];
        for await (const chunk of up.body) chunks.push(chunk as Buffer);
        res.writeHead(up.status, headers);
        res.end(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
      } else {
        res.writeHead(up.status, headers);
        await pipeStreams(up.body, res);
      }
      return { status: up.status };
    } catch (err) {
      if (res.headersSent || clientGone) {
        res.destroy();
        return { status: res.statusCode };
      }
      if (
        err instanceof BodyTooLargeError ||
        (err as { cause?: unknown }).cause instanceof BodyTooLargeError
      ) {
        const limit = pipeline.policy().server.bodyLimitBytes;
        sendPlain(res, bodyTooLarge(limit), true);
        return { status: 413, problem: 'body-too-large' };
      }
      const failure = classifyUpstreamError(err);
      logger.warn({ err, upstream: upstream.origin, failure }, 'upstream request failed');
      const answer =
        failure === 'timeout'
          ? problemResponse('upstream-timeout', 'the upstream service did not answer in time')
          : problemResponse('upstream-failed', 'the upstream service could not be reached');
      sendPlain(res, answer);
      return { status: answer.status, problem: answer.problem };
    }
  }

  function logDecision(
    verdict: Admission,
    method: string,
    path: string,
    status: number,
    started: number,
  ): void {
    // Never log headers, bodies or query strings: they carry keys, tokens and looked-up numbers.
    const entry = {
      method,
      path,
      status,
      route: verdict.route?.id,
      identity: verdict.caller?.identity?.id,
      ip: verdict.caller?.ip,
      decision: verdict.decision.reason,
      policy: verdict.decision.policy?.id,
      ms: Math.round((performance.now() - started) * 1000) / 1000,
    };
    if (verdict.allowed) logger.debug(entry, 'allowed');
    else logger.info(entry, 'denied');
  }

  return {
    server,
    listen(port, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    async close(graceMs = 10_000) {
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
      await upstream.close();
    },
  };
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}
