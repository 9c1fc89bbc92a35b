import { answerShape, type AnswerShape } from './answer-fields.ts';
import { rateLimitHeaderNames, retryAfterMs } from './response-signals.ts';

/** What one HTTP exchange of the probe gave back; no body, no number, no header value kept. */
export interface Exchange {
  readonly status: number;
  readonly latencyMs: number;
  readonly retryAfterMs: number | undefined;
  readonly rateLimitHeaders: readonly string[];
  /** Set for a 2xx JSON answer. */
  readonly shape: AnswerShape | undefined;
  /** The JSON value, for the registration step only (its token); lookups drop it. */
  readonly json: unknown;
}

export interface ExchangeRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
  readonly known: ReadonlySet<string>;
}

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** Largest answer read; a lookup answer beyond it is cut off and not analysed. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;
const REQUEST_TIMEOUT_MS = 10_000;

/** Status 0: the request failed (refused connection, reset, timeout). */
export async function exchange(
  req: ExchangeRequest,
  fetchFn: FetchLike,
  now: () => number,
  keepJson = false,
): Promise<Exchange> {
  const started = now();
  let res: Response;
  try {
    res = await fetchFn(req.url, {
      method: req.method,
      headers: req.headers,
      ...(req.body === undefined ? {} : { body: req.body }),
      // A redirect could carry the probe, and its credentials, to another host.
      redirect: 'manual',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch {
    return {
      status: 0,
      latencyMs: now() - started,
      retryAfterMs: undefined,
      rateLimitHeaders: [],
      shape: undefined,
      json: undefined,
    };
  }
  const text = await readCapped(res);
  const latencyMs = now() - started;
  let json: unknown;
  if (text !== undefined && res.status >= 200 && res.status < 300) {
    try {
      json = JSON.parse(text) as unknown;
    } catch {
      json = undefined;
    }
  }
  return {
    status: res.status,
    latencyMs,
    retryAfterMs: retryAfterMs(res.headers.get('retry-after'), now()),
    rateLimitHeaders: rateLimitHeaderNames(res.headers),
    shape: json === undefined ? undefined : answerShape(json, req.known),
    json: keepJson ? json : undefined,
  };
}

/** The body as text, or undefined past MAX_ANSWER_BYTES (the rest is cancelled, not read). */
async function readCapped(res: Response): Promise<string | undefined> {
  if (!res.body) return '';
  const reader: ReadableStreamDefaultReader<Uint8Array> = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_ANSWER_BYTES) {
        await reader.cancel();
        return undefined;
      }
      chunks.push(value);
    }
  } catch {
    return undefined;
  }
  return Buffer.concat(chunks).toString('utf8');
}
