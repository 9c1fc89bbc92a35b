import type { Context } from 'hono';
import { DRAIN_MAX_MS, drainLimit } from '../../http/refuse-body.ts';

type Reader = ReadableStreamDefaultReader<Uint8Array>;

/**
 * The request's body as text, read up to `limit` bytes; undefined past it (or past a declared
 * content-length over it). The bytes read are put back as a fresh `c.req.raw`, as Hono's own
 * bodyLimit middleware does, so the handler can still call `c.req.json()`.
 *
 * A body past the limit is read on and discarded (up to drainLimit(limit) bytes or
 * DRAIN_MAX_MS) before the caller answers 413: answering first lets the server close the
 * connection while the client still writes, and the client sees a reset instead of the 413.
 */
export async function readLimitedText(c: Context, limit: number): Promise<string | undefined> {
  const stream = c.req.raw.body;
  if (stream === null) return '';
  const reader: Reader = stream.getReader();
  const declared = Number(c.req.header('content-length'));
  const bytes = Number.isFinite(declared) && declared > limit ? undefined : await readUpTo(reader, limit);
  if (bytes === undefined) {
    await discardRest(reader, drainLimit(limit));
    return undefined;
  }
  c.req.raw = new Request(c.req.raw, { body: bytes });
  return bytes.toString('utf8');
}

async function readUpTo(reader: Reader, limit: number): Promise<Buffer | undefined> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    size += next.value.byteLength;
    if (size > limit) return undefined;
    chunks.push(next.value);
  }
  return Buffer.concat(chunks, size);
}

/** Reads and discards up to `maxBytes` more, or for DRAIN_MAX_MS, then lets the body go. */
async function discardRest(reader: Reader, maxBytes: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), DRAIN_MAX_MS);
    timer.unref();
  });
  try {
    for (let seen = 0; seen <= maxBytes;) {
      const next = await Promise.race([reader.read(), expired]);
      if (next === undefined || next.done) return;
      seen += next.value.byteLength;
    }
  } catch {
    // The client went away: nothing is left to discard.
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
}
