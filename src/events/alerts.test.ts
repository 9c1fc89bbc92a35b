import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { manualClock } from '../core/clock.ts';
import { compilePolicy } from '../policy/compile.ts';
import { startAlerts } from './alerts.ts';
import { createEventBus } from './event-bus.ts';
import type { EnumguardEvent } from './event-types.ts';
import type { EventSink } from './webhook-sink.ts';

function sink(id: string, accept: (e: EnumguardEvent) => void): EventSink {
  const stats = { sink: id, kind: 'webhook' as const, sent: 0, failed: 0, dropped: 0, retried: 0, queued: 0 };
  return {
    id,
    accept,
    tick: () => undefined,
    stats: () => ({ ...stats, incidentsOpen: 0, incidentsEvicted: 0 }),
    idle: () => Promise.resolve(),
    close: () => undefined,
  };
}

describe('startAlerts', () => {
  it("counts a sink's intake error on that sink alone, logs it once, and still feeds the sinks after it", () => {
    const clock = manualClock(0);
    const bus = createEventBus({ clock, instance: 'gw' });
    const policy = compilePolicy('version: 1\nroutes: []\nalerts: { webhooks: [] }\n');
    assert.ok(policy.alerts);
    const warnings: string[] = [];
    const logger = { warn: (_: object, msg: string) => warnings.push(msg), info: () => undefined };
    const taken: string[] = [];
    const alerts = startAlerts({
      config: policy.alerts,
      bus,
      clock,
      logger,
      tickMs: 60_000,
      extraSinks: [
        sink('broken', () => {
          throw new Error('bug');
        }),
        sink('after', (e) => taken.push(e.id)),
      ],
    });
    try {
      bus.emit({ type: 'refusal', route: 'r', reason: 'x', status: 429 });
      bus.emit({ type: 'refusal', route: 'r', reason: 'y', status: 429 });
      assert.deepEqual(taken, ['gw-1', 'gw-2']);
      assert.deepEqual(
        alerts.stats().map((s) => [s.sink, s.intakeErrors]),
        [
          ['broken', 2],
          ['after', 0],
        ],
      );
      assert.equal(warnings.length, 1);
      assert.equal(bus.stats().dropped, 0, 'the bus saw no listener fail');
    } finally {
      alerts.close();
    }
  });
});
