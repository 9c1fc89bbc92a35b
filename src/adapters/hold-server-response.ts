import type { OutgoingHttpHeader, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { BODY_HEADERS } from '../http/body-headers.ts';
import { headerText } from '../http/header-text.ts';
import { sendPlain } from '../http/send-plain.ts';
import type { Pipeline, PipelineLogger } from '../pipeline/pipeline.ts';
import { problemResponse } from '../pipeline/problem.ts';
import type { PlainResponse, ResponsePlan } from '../pipeline/types.ts';
import {
  bytesResponse,
  cannotFilterEncoded,
  encodingOf,
  planFilters,
  settleResponse,
  tooLargeToHold,
  type Settlement,
} from './settle-response.ts';

/** What the app wrote, once it ended its response: the bytes, or too many to hold. */
export type HeldResponse = { readonly kind: 'held'; readonly body: Buffer } | { readonly kind: 'too-large' };

/** A ServerResponse being held: see holdResponse. */
export interface ResponseHold {
  /** True once the app called writeHead, write or end. */
  readonly started: boolean;
  /** Stops holding and runs `send`, which writes the real response; later calls reach `res` as usual. */
  release(send: () => void): void;
}

type Callback = (err?: Error | null) => void;
type Chunk = string | Uint8Array | null | undefined;

/**
 * Holds what the app writes to `res` (writeHead, write, end) for this request only, by
 * shadowing those methods on the instance, and calls `done` once, when the app ends its
 * response. At most `limit` bytes are kept; past that the rest is discarded until the end and
 * `done` gets 'too-large', so nothing partial can reach the client. Nothing reaches the
 * socket until `release`.
 */
export function holdResponse(
  res: ServerResponse,
  limit: number,
  done: (held: HeldResponse) => void,
): ResponseHold {
  // Whatever is in place now (the prototype's, or a wrapper like compression's) writes the real response.
  const real = {
    writeHead: res.writeHead.bind(res),
    write: res.write.bind(res),
    end: res.end.bind(res),
    flush: res.flushHeaders.bind(res),
  };
  let holding = true;
  let started = false;
  let ended = false;
  let chunks: Buffer[] = [];
  let size = 0;
  let over = false;

  const keep = (chunk: Chunk, encoding: unknown): void => {
    if (chunk === null || chunk === undefined || over) return;
    const buf =
      typeof chunk === 'string'
        ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    size += buf.byteLength;
    if (size > limit) {
      over = true;
      chunks = [];
    } else chunks.push(buf);
  };

  res.writeHead = function writeHead(this: ServerResponse, ...args: unknown[]) {
    if (!holding) return real.writeHead(...(args as Parameters<ServerResponse['writeHead']>));
    started = true;
    const [status, second, third] = args;
    this.statusCode = status as number;
    if (typeof second === 'string') this.statusMessage = second;
    const headers = typeof second === 'string' ? third : second;
    if (headers !== undefined && headers !== null) applyHeaders(this, headers as HeaderArg);
    return this;
  };

  res.write = function write(this: ServerResponse, ...args: unknown[]) {
    if (!holding) return real.write(...(args as Parameters<ServerResponse['write']>));
    started = true;
    if (!ended) keep(args[0] as Chunk, args[1]);
    const cb = args.find((a) => typeof a === 'function') as Callback | undefined;
    if (cb) process.nextTick(cb);
    return true;
  } as ServerResponse['write'];

  res.end = function end(this: ServerResponse, ...args: unknown[]) {
    if (!holding) return real.end(...(args as Parameters<ServerResponse['end']>));
    started = true;
    const cb = args.find((a) => typeof a === 'function') as Callback | undefined;
    if (cb) this.once('finish', () => cb());
    if (ended) return this;
    if (typeof args[0] !== 'function') keep(args[0] as Chunk, args[1]);
    ended = true;
    const held: HeldResponse = over ? { kind: 'too-large' } : { kind: 'held', body: Buffer.concat(chunks) };
    chunks = [];
    done(held);
    return this;
  } as ServerResponse['end'];

  res.flushHeaders = function flushHeaders() {
    if (!holding) real.flush();
  };

  return {
    get started() {
      return started;
    },
    release(send) {
      holding = false;
      send();
    },
  };
}

type HeaderArg = OutgoingHttpHeaders | readonly OutgoingHttpHeader[] | readonly (readonly string[])[];

/** writeHead's headers: an object, [name, value] pairs, or a flat [name, value, …] list. */
function applyHeaders(res: ServerResponse, headers: HeaderArg): void {
  if (!Array.isArray(headers)) {
    for (const [name, value] of Object.entries(headers as OutgoingHttpHeaders))
      if (value !== undefined) res.setHeader(name, value);
    return;
  }
  const list = headers as readonly unknown[];
  if (list.every((h) => Array.isArray(h))) {
    for (const [name, value] of list as readonly (readonly string[])[])
      if (name !== undefined && value !== undefined) res.appendHeader(name, value);
    return;
  }
  for (let i = 0; i + 1 < list.length; i += 2) res.appendHeader(String(list[i]), String(list[i + 1]));
}

/** Replaces the app's response: none of its headers (type, length, cookies, validators) apply. */
export function replaceResponse(res: ServerResponse, replacement: PlainResponse): void {
  if (!res.headersSent) for (const name of res.getHeaderNames()) res.removeHeader(name);
  sendPlain(res, replacement);
}

/** Writes what the settlement sends; `held` is the app's body as it wrote it. */
export function writeSettlement(res: ServerResponse, settled: Settlement, held: Buffer): void {
  if (!settled.released) {
    replaceResponse(res, settled.response);
    return;
  }
  for (const [name, value] of Object.entries(settled.added)) res.setHeader(name, value);
  const body = settled.same ? held : Buffer.from(settled.response.body);
  for (const name of settled.same ? (['transfer-encoding'] as const) : BODY_HEADERS) res.removeHeader(name);
  const status = res.statusCode;
  if (status !== 204 && status !== 304 && status >= 200) res.setHeader('content-length', body.byteLength);
  res.end(body);
}

/**
 * Holds the app's response on `res` until it ends, then filters and settles it and writes
 * what the plan allows. Returns the hold (the Express adapter releases it itself for res.json).
 */
export function holdAndSettle(
  pipeline: Pipeline,
  plan: ResponsePlan,
  res: ServerResponse,
  limit: number,
  logger: PipelineLogger | undefined,
  claim: () => boolean = () => true,
): ResponseHold {
  const hold = holdResponse(res, limit, (held) => {
    if (!claim()) return;
    settleHeld(held).catch((err: unknown) => {
      logger?.error({ err }, 'answering a held answer failed');
      hold.release(() => replaceResponse(res, problemResponse('internal-error', 'enumguard failed')));
    });
  });

  async function settleHeld(held: HeldResponse): Promise<void> {
    if (held.kind === 'too-large') {
      logger?.warn({ limit }, 'answer too large to hold for filtering');
      hold.release(() => replaceResponse(res, tooLargeToHold(limit)));
      return;
    }
    const type = headerText(res.getHeader('content-type'));
    const encoding = encodingOf(res.getHeader('content-encoding'));
    if (encoding !== undefined && planFilters(plan, res.statusCode, type)) {
      logger?.warn({ encoding }, 'encoded answer on a filtered route');
      hold.release(() => replaceResponse(res, cannotFilterEncoded(encoding)));
      return;
    }
    const response = bytesResponse(res.statusCode, type, held.body);
    const settled = await settleResponse(pipeline, plan, response, logger);
    hold.release(() => writeSettlement(res, settled, held.body));
  }
  return hold;
}
