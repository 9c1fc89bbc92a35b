import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { manualClock } from '../core/clock.ts';
import { createEventBus } from '../events/event-bus.ts';
import { createLiveStreams } from './admin-sse.ts';

/**
 * A response whose client never reads: every write stays in `writableLength`, as with a
 * browser that stopped reading (the kernel buffers full).
 */
function stalledResponse() {
  const listeners = new Map<string, () => void>();
  let writes = 0;
  const res = {
    writableLength: 0,
    destroyed: false,
    writeHead() {
      return res;
    },
    write(chunk: string) {
      writes++;
      res.writableLength += Buffer.byteLength(chunk);
      return false;
    },
    on(event: string, fn: () => void) {
      listeners.set(event, fn);
      return res;
    },
    destroy() {
      res.destroyed = true;
      listeners.get('close')?.();
      return res;
    },
  };
  return { res, writes: () => writes };
}

describe('live event stream', () => {
  it('drops a reconnecting client whose replay passes the backlog bound, without throwing', () => {
    const bus = createEventBus({ clock: manualClock(0), instance: 'gw' });
    // 300 events of 8 KiB: the replay alone is 2.4 MB, past the 1 MiB bound.
    for (let i = 0; i < 300; i++)
      bus.emit({ type: 'admin-action', action: 'note', detail: 'x'.repeat(8192) });
    const first = bus.recent(1_000)[0]?.id as string;
    const live = createLiveStreams(bus, { maxClients: 4, heartbeatMs: 60_000, replay: 1_000 });
    const { res, writes } = stalledResponse();
    const req = { headers: { 'last-event-id': first } } as unknown as IncomingMessage;

    // Before the fix: ReferenceError "Cannot access 'closed' before initialization".
    live.open(req, res as unknown as ServerResponse, []);

    assert.equal(res.destroyed, true, 'the stalled client is dropped');
    assert.ok(
      res.writableLength <= 1024 * 1024 + 9_000,
      `replay stopped near the bound: ${res.writableLength}`,
    );
    assert.equal(live.count(), 0, 'the dropped stream is not counted as open');
    const before = writes();
    bus.emit({ type: 'admin-action', action: 'note', detail: 'after' });
    assert.equal(writes(), before, 'a dropped stream is not subscribed');
    assert.equal(bus.stats().dropped, 0);
  });
});
