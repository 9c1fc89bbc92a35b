import type { Context } from 'hono';
import type { Pipeline, PipelineLogger } from '../../pipeline/pipeline.ts';
import type { PlainResponse, ResponsePlan } from '../../pipeline/types.ts';
import { BODY_HEADERS } from '../../http/body-headers.ts';
import {
  bytesResponse,
  cannotFilterEncoded,
  encodingOf,
  planFilters,
  settleResponse,
  tooLargeToHold,
} from '../settle-response.ts';

/**
 * Filters and settles `c.res` on a route with a plan, replacing it when the plan changes or
 * refuses it. A JSON response is read up to `limit` bytes (past that: 502). Returns true when
 * the app's response (filtered or not) is released, false when it was replaced.
 */
export async function settleHonoResponse(
  c: Context,
  pipeline: Pipeline,
  plan: ResponsePlan,
  limit: number,
  logger: PipelineLogger | undefined,
): Promise<boolean> {
  const res = c.res;
  const type = res.headers.get('content-type') ?? undefined;
  const filtering = planFilters(plan, res.status, type) && res.body !== null;
  let bytes: Buffer | undefined;
  if (filtering) {
    const encoding = encodingOf(res.headers.get('content-encoding') ?? undefined);
    if (encoding !== undefined) return replace(c, cannotFilterEncoded(encoding));
    const read = await readBounded(res, limit);
    if (read === 'too-large') return replace(c, tooLargeToHold(limit));
    bytes = read;
  }
  const settled = await settleResponse(pipeline, plan, bytesResponse(res.status, type, bytes), logger);
  if (!settled.released) return replace(c, settled.response);
  if (settled.same) {
    // The body was read to filter it: send what was held.
    if (bytes !== undefined) swap(c, new Response(bytes, res));
    for (const [name, value] of Object.entries(settled.added)) c.res.headers.set(name, value);
    return true;
  }
  const headers = new Headers(res.headers);
  for (const [name, value] of Object.entries(settled.added)) headers.set(name, value);
  for (const name of BODY_HEADERS) headers.delete(name);
  swap(c, new Response(settled.response.body, { status: res.status, headers }));
  return true;
}

function replace(c: Context, replacement: PlainResponse): false {
  const { body, status, headers } = replacement;
  swap(c, new Response(body, { status, headers }));
  return false;
}

/** Hono copies the old response's headers onto a new c.res; clearing it first keeps them out. */
function swap(c: Context, res: Response): void {
  c.res = undefined;
  c.res = res;
}

async function readBounded(res: Response, limit: number): Promise<Buffer | 'too-large'> {
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) {
    await res.body?.cancel();
    return 'too-large';
  }
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return 'too-large';
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
