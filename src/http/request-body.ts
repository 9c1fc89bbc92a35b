import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { problemResponse } from '../pipeline/problem.ts';
import type { PlainResponse } from '../pipeline/types.ts';

export type BodyResult =
  | { readonly kind: 'ok'; readonly bytes: Buffer }
  | { readonly kind: 'too-large' }
  | { readonly kind: 'aborted' };

/**
 * Reads a whole request body, refusing past `limit` bytes without buffering the excess.
 * Transports buffer only the routes that price a request by its body (a JSON pointer cost or
 * a batch cap); the gateway streams every other body straight to the upstream.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.resolve({ kind: 'too-large' });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: BodyResult): void => {
      if (done) return;
      done = true;
      req.off('data', onData);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.resume();
        finish({ kind: 'too-large' });
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => finish({ kind: 'ok', bytes: Buffer.concat(chunks, size) }));
    req.once('error', () => finish({ kind: 'aborted' }));
    req.once('close', () =>
      finish(req.complete ? { kind: 'ok', bytes: Buffer.concat(chunks, size) } : { kind: 'aborted' }),
    );
  });
}

/** Parses a JSON body; an empty body is `undefined`, malformed JSON an error message. */
export function parseJson(
  bytes: Buffer,
): { ok: true; value: unknown; text: string } | { ok: false; error: string } {
  if (bytes.length === 0) return { ok: true, value: undefined, text: '' };
  // RFC 8259 §8.1: JSON is UTF-8. Decoding would turn bad bytes into U+FFFD, so the text priced
  // could differ from what a lenient upstream decoder reads in the same bytes.
  if (!isUtf8(bytes)) return { ok: false, error: 'the request body is not valid UTF-8' };
  const text = bytes.toString('utf8');
  try {
    return { ok: true, value: JSON.parse(text) as unknown, text };
  } catch (err) {
    return { ok: false, error: `the request body is not valid JSON: ${(err as Error).message}` };
  }
}

export type JsonBodyResult =
  /** `text` is what was parsed: the pipeline checks it for duplicate keys (PlainRequest.rawBody). */
  | { readonly kind: 'ok'; readonly bytes: Buffer; readonly value: unknown; readonly text: string }
  /** Answer this instead (413 or 400), closing the connection when `close` says so. */
  | { readonly kind: 'refused'; readonly response: PlainResponse; readonly close: boolean }
  | { readonly kind: 'aborted' };

/** Reads and parses a JSON body within `limit` bytes: what a body-priced route needs. */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<JsonBodyResult> {
  const read = await readBody(req, limit);
  if (read.kind === 'aborted') return read;
  if (read.kind === 'too-large') {
    return { kind: 'refused', response: bodyTooLarge(limit), close: true };
  }
  const parsed = parseJson(read.bytes);
  if (!parsed.ok)
    return { kind: 'refused', response: problemResponse('bad-request', parsed.error), close: false };
  return { kind: 'ok', bytes: read.bytes, value: parsed.value, text: parsed.text };
}

export function bodyTooLarge(limit: number): PlainResponse {
  return problemResponse('body-too-large', `request bodies are limited to ${limit} bytes`);
}
