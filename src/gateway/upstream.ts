import type { Readable } from 'node:stream';
import { Pool, errors } from 'undici';
import { EnumguardError } from '../core/errors.ts';

export interface UpstreamResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Readable;
}

export interface UpstreamRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string | string[]>;
  /** A buffered body, a stream, or nothing. */
  readonly body: Buffer | Readable | undefined;
  readonly signal?: AbortSignal;
}

export type UpstreamFailure = 'timeout' | 'unreachable';

export interface UpstreamPool {
  readonly origin: string;
  request(req: UpstreamRequest): Promise<UpstreamResponse>;
  /**
   * Closes the pool once its in-flight requests end; past `graceMs` (default: no bound) it is
   * destroyed instead, aborting them: an upstream that never finishes a request must not hold
   * a gateway's shutdown (it held one for the upstream's own 5-minute request timeout).
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * A keep-alive connection pool to one upstream origin (undici). Bodies stream both ways.
 * `timeoutMs` bounds the wait for the upstream's response headers and for each body chunk.
 */
export function createUpstreamPool(
  origin: string,
  options: { timeoutMs: number; connections?: number },
): UpstreamPool {
  let url: URL;
  try {
    url = new URL(origin);
  } catch (cause) {
    throw new EnumguardError(
      'ERR_CONFIG',
      `upstream ${JSON.stringify(origin)} is not a URL like http://127.0.0.1:8080`,
      {
        cause,
      },
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EnumguardError(
      'ERR_CONFIG',
      `upstream ${JSON.stringify(origin)} must use http: or https:, like http://127.0.0.1:8080`,
    );
  }
  const pool = new Pool(url.origin, {
    connections: options.connections ?? 128,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    connectTimeout: Math.min(options.timeoutMs, 10_000),
  });
  return {
    origin: url.origin,
    async request(req) {
      const res = await pool.request({
        method: req.method,
        path: req.path,
        headers: req.headers,
        body: req.body ?? null,
        signal: req.signal ?? null,
      });
      return { status: res.statusCode, headers: res.headers, body: res.body };
    },
    close: (graceMs) => closePool(pool, graceMs),
  };
}

async function closePool(pool: Pool, graceMs = Infinity): Promise<void> {
  const closing = pool.close().then(() => 'closed' as const);
  if (!Number.isFinite(graceMs)) {
    await closing;
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), graceMs);
    timer.unref();
  });
  const outcome = await Promise.race([closing, late]);
  clearTimeout(timer);
  if (outcome === 'late') {
    // close() settles (or fails) once destroy() has aborted what it waited for.
    closing.catch(() => undefined);
    await pool.destroy();
  }
}

/** Classifies an upstream error: a timeout is a 504, anything else a 502. */
export function classifyUpstreamError(err: unknown): UpstreamFailure {
  if (
    err instanceof errors.HeadersTimeoutError ||
    err instanceof errors.BodyTimeoutError ||
    err instanceof errors.ConnectTimeoutError
  ) {
    return 'timeout';
  }
  return 'unreachable';
}
