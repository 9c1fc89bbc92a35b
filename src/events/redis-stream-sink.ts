import type { RedisStreamConfig } from '../policy/alerts-types.ts';
import type { RedisStreamWriter } from '../stores/policy-store-types.ts';
import type { EnumguardEvent } from './event-types.ts';
import type { EventSink, SinkLogger } from './webhook-sink.ts';

/** Entries written per XADD pipeline: one round trip carries a burst. */
const BATCH = 256;

/**
 * Every event the filter wants, as it happens (no incident grouping: a SIEM correlates for
 * itself), appended to a Redis stream with `XADD key MAXLEN ~ maxLen * type <t> id <id> at <ms>
 * event <json>`: with "~" Redis trims whole macro nodes, so the stream stays near `maxLen`
 * entries at little cost. Events wait in a bounded queue (past `queue` they are dropped and
 * counted) and one batch at a time is written; a batch Redis refuses is counted failed, not
 * retried: the stream is a feed, and the store's connection fails fast while Redis is away.
 */
export function createRedisStreamSink(
  config: RedisStreamConfig,
  writer: RedisStreamWriter,
  logger?: SinkLogger,
): EventSink {
  const wanted = new Set<string>(config.events);
  const capacity = config.queue;
  const ring: (EnumguardEvent | undefined)[] = new Array<EnumguardEvent | undefined>(capacity);
  let head = 0;
  let size = 0;
  let sent = 0;
  let failed = 0;
  let dropped = 0;
  let writing: Promise<void> | undefined;
  let closed = false;
  let failing = false;

  function takeBatch(): EnumguardEvent[] {
    const n = Math.min(BATCH, size);
    const out: EnumguardEvent[] = [];
    for (let i = 0; i < n; i++) {
      out.push(ring[head] as EnumguardEvent);
      ring[head] = undefined;
      head = (head + 1) % capacity;
    }
    size -= n;
    return out;
  }

  async function drain(): Promise<void> {
    while (size > 0 && !closed) {
      const batch = takeBatch();
      try {
        await writer.xadd(
          config.key,
          config.maxLen,
          batch.map((e) => ['type', e.type, 'id', e.id, 'at', String(e.at), 'event', JSON.stringify(e)]),
        );
        sent += batch.length;
        if (failing) logger?.info({ sink: 'redisStream', key: config.key }, 'event stream writes again');
        failing = false;
      } catch (err) {
        failed += batch.length;
        if (!failing) {
          logger?.warn(
            { sink: 'redisStream', key: config.key, error: err instanceof Error ? err.message : String(err) },
            'event stream write failed; events are counted failed until Redis answers',
          );
        }
        failing = true;
      }
    }
  }

  function start(): void {
    writing ??= drain().finally(() => {
      writing = undefined;
      if (size > 0 && !closed) start();
    });
  }

  return {
    id: 'redisStream',
    accept(event) {
      if (!wanted.has(event.type)) return;
      if (closed || size >= capacity) {
        dropped++;
        return;
      }
      ring[(head + size) % capacity] = event;
      size++;
      // Started after this turn of the event loop, so a burst leaves in one batch.
      if (writing === undefined && size === 1) queueMicrotask(start);
    },
    tick() {
      if (size > 0) start();
    },
    stats: () => ({
      sink: 'redisStream',
      kind: 'redis-stream',
      sent,
      failed,
      dropped,
      retried: 0,
      queued: size,
      incidentsOpen: 0,
      incidentsEvicted: 0,
    }),
    async idle() {
      while (writing !== undefined || (size > 0 && !closed)) {
        start();
        await writing;
      }
    },
    close() {
      closed = true;
      dropped += size;
      size = 0;
      ring.fill(undefined);
    },
  };
}
