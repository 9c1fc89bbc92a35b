import { Writable } from 'node:stream';
import { pino, type Level } from 'pino';

/** A pino logger writing into an array, to inspect what the gateway logs. */
export function captureLogger(level: Level = 'info') {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ level }, stream), lines };
}
