import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EnumguardEvent, EventBus, EventType } from '../events/event-types.ts';
import { SECURITY_HEADERS, sendProblem } from './admin-http.ts';

/**
 * The live event stream (Server-Sent Events, WHATWG HTML §9.2): `text/event-stream`, each event
 * with `id:` (the bus's id) and `event:` (its type). A client that reconnects with
 * Last-Event-ID gets the events after that one from the bus's ring; when that id has left the
 * ring it gets an `event: gap` first, so it knows to reload. A comment line every `heartbeatMs`
 * keeps proxies from closing an idle stream. At most `maxClients` streams: another gets 503.
 * A client that stops reading is dropped once its unsent backlog passes MAX_BACKLOG_BYTES, so
 * a stalled browser cannot make the gateway hold events without bound.
 */
export interface LiveStreams {
  open(req: IncomingMessage, res: ServerResponse, types: readonly EventType[]): void;
  count(): number;
  closeAll(): void;
}

const MAX_BACKLOG_BYTES = 1024 * 1024;
/** The browser's reconnection delay (the `retry:` field). */
const RETRY_MS = 2_000;

export function createLiveStreams(
  bus: EventBus,
  options: { readonly maxClients: number; readonly heartbeatMs: number; readonly replay: number },
): LiveStreams {
  const clients = new Set<() => void>();

  return {
    count: () => clients.size,
    closeAll() {
      for (const close of [...clients]) close();
    },
    open(req, res, types) {
      if (clients.size >= options.maxClients) {
        sendProblem(
          res,
          503,
          'Service Unavailable',
          `${options.maxClients} live event streams are open already (server.admin.maxStreams)`,
          { 'retry-after': 5 },
        );
        return;
      }
      const wanted = types.length === 0 ? undefined : new Set<string>(types);
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'content-type': 'text/event-stream; charset=utf-8',
        'x-accel-buffering': 'no',
      });
      res.write(`retry: ${RETRY_MS}\n\n`);
      // The stream's state comes before the replay: a replay that passes the backlog bound closes
      // the stream from inside `write`, which must find it (it read `closed` in its temporal dead
      // zone before, a ReferenceError that destroyed the socket as a failed request).
      let closed = false;
      /** What close() undoes: the bus subscription and the heartbeat, once they exist. */
      const undo: (() => void)[] = [];
      function close(): void {
        if (closed) return;
        closed = true;
        for (const u of undo) u();
        clients.delete(close);
        res.destroy();
      }
      const write = (e: EnumguardEvent): void => {
        if (closed || (wanted !== undefined && !wanted.has(e.type))) return;
        if (res.writableLength > MAX_BACKLOG_BYTES) {
          close();
          return;
        }
        res.write(`id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
      };
      const last = req.headers['last-event-id'];
      if (typeof last === 'string' && last !== '') {
        const kept = bus.recent(options.replay);
        const at = kept.findIndex((e) => e.id === last);
        if (at < 0) res.write(`event: gap\ndata: {"lastEventId":${JSON.stringify(last)}}\n\n`);
        for (const e of kept.slice(at + 1)) {
          write(e);
          if (closed) return; // dropped mid-replay: nothing to subscribe, time or count
        }
      }
      undo.push(bus.subscribe(write));
      const beat = setInterval(() => res.write(': heartbeat\n\n'), options.heartbeatMs);
      beat.unref();
      undo.push(() => clearInterval(beat));
      clients.add(close);
      res.on('close', close);
    },
  };
}
