import { Transform, type TransformCallback } from 'node:stream';
import type { EgressFilter } from './egress-filter.ts';

/**
 * The filter as a node:stream Transform, for piping an upstream body to a client. Read the
 * counts from `filter.stats()` once the stream has ended; a faulty body fails the stream
 * with the filter's EnumguardError (ERR_UPSTREAM_BODY).
 */
export function egressTransform(filter: EgressFilter): Transform {
  function run(stream: Transform, step: () => Uint8Array[], done: TransformCallback): void {
    let chunks: Uint8Array[];
    try {
      chunks = step();
    } catch (err) {
      done(err as Error);
      return;
    }
    for (const c of chunks) stream.push(c);
    done();
  }
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
      run(this, () => filter.write(chunk), done);
    },
    flush(done: TransformCallback) {
      run(this, () => filter.end(), done);
    },
  });
}
