/**
 * Keeps the bytes of one span of the body (a record, or a member name on the records path)
 * across chunk boundaries. Nothing is copied while the span lies inside the current chunk;
 * only a span still open when the chunk ends is copied, and never more than `limit` bytes.
 */
export interface Capture {
  /** Starts keeping bytes from body offset `pos`, at most `limit` of them. */
  begin(pos: number, limit: number): void;
  /** Sets the chunk being scanned, which starts at body offset `base`. */
  setChunk(chunk: Uint8Array, base: number): void;
  /** At the end of a chunk: keeps the open span's tail; false when it outgrew its limit. */
  keepTail(): boolean;
  /** Bytes [from, to) of the body, `from` at or after the span's start. A view or a fresh copy. */
  bytes(from: number, to: number): Uint8Array;
  stop(): void;
  readonly active: () => boolean;
}

export function createCapture(): Capture {
  let buf = new Uint8Array(4096);
  let len = 0;
  let start = 0;
  let limit = 0;
  let active = false;
  let chunk: Uint8Array = new Uint8Array(0);
  let base = 0;

  function keepTail(): boolean {
    if (!active) return true;
    const tail = chunk.subarray(Math.max(0, start - base));
    if (len + tail.length > limit) return false;
    if (len + tail.length > buf.length) {
      const bigger = new Uint8Array(Math.min(Math.max(buf.length * 2, len + tail.length), limit));
      bigger.set(buf.subarray(0, len));
      buf = bigger;
    }
    buf.set(tail, len);
    len += tail.length;
    return true;
  }

  function bytes(from: number, to: number): Uint8Array {
    if (from >= base) return chunk.subarray(from - base, to - base);
    if (to <= base) return buf.slice(from - start, to - start);
    const head = buf.subarray(from - start, len);
    const out = new Uint8Array(head.length + to - base);
    out.set(head);
    out.set(chunk.subarray(0, to - base), head.length);
    return out;
  }

  return {
    begin(pos, max) {
      start = pos;
      limit = max;
      len = 0;
      active = true;
    },
    setChunk(next, nextBase) {
      chunk = next;
      base = nextBase;
    },
    keepTail,
    bytes,
    stop() {
      active = false;
      len = 0;
    },
    active: () => active,
  };
}
