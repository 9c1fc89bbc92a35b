import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../core/clock.ts';
import { createInstanceHeartbeat, type HeartbeatClient } from './instance-heartbeat.ts';

/**
 * The heartbeat's own logic on an in-process sorted set that follows the script's steps
 * (ZADD, drop the stale, ZCARD); test/integration/instance-heartbeat.test.ts runs the script
 * itself on Redis and a Redis Cluster.
 */
function fakeRedis() {
  const sets = new Map<string, Map<string, number>>();
  const state = { down: false, hang: false, evals: 0, pending: [] as (() => void)[] };
  const client: HeartbeatClient = {
    eval(_script, _numKeys, key, member, stale, now) {
      state.evals++;
      if (state.down) return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
      const run = (): number => {
        const set = sets.get(key) ?? new Map<string, number>();
        sets.set(key, set);
        const t = Number(now);
        set.set(member, t);
        for (const [m, at] of set) if (at < t - Number(stale)) set.delete(m);
        return set.size;
      };
      if (state.hang) return new Promise((resolve) => state.pending.push(() => resolve(run())));
      return Promise.resolve(run());
    },
    zrem(key, member) {
      if (state.down) return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
      return Promise.resolve(sets.get(key)?.delete(member) ? 1 : 0);
    },
  };
  return { client, sets, state };
}

function recordingLogger() {
  const lines: { level: 'info' | 'warn'; msg: string; obj: object }[] = [];
  return {
    lines,
    logger: {
      info: (obj: object, msg: string) => lines.push({ level: 'info', msg, obj }),
      warn: (obj: object, msg: string) => lines.push({ level: 'warn', msg, obj }),
    },
  };
}

describe('createInstanceHeartbeat', () => {
  it('counts the instances that beat within 3 beats and drops one that stopped beating', async () => {
    const { client } = fakeRedis();
    const clock = manualClock(1_000_000);
    const make = (id: string) =>
      createInstanceHeartbeat({ client, prefix: 'eg', id, everyMs: 1000, time: () => clock.now() });
    const [a, b, c] = [make('a'), make('b'), make('c')];
    assert.equal(a.key, 'eg:gateways');
    assert.equal(await a.beat(), 1);
    assert.equal(await b.beat(), 2);
    assert.equal(await c.beat(), 3);
    // c crashes: it beats no more. 3 s later it still counts; past 3 s it is gone.
    clock.advance(3000);
    assert.equal(await a.beat(), 3);
    clock.advance(1);
    assert.equal(await b.beat(), 2);
    assert.equal(a.observed(), 3, 'a has not beaten since');
    assert.equal(await a.beat(), 2);
  });

  it('removes its member on stop, so the others see it leave at their next beat', async () => {
    const { client } = fakeRedis();
    const a = createInstanceHeartbeat({ client, prefix: 'eg', id: 'a', time: () => 0 });
    const b = createInstanceHeartbeat({ client, prefix: 'eg', id: 'b', time: () => 0 });
    await a.beat();
    assert.equal(await b.beat(), 2);
    await b.stop();
    assert.equal(await a.beat(), 1);
    assert.equal(await b.beat(), 2, 'a stopped heartbeat does not register again');
  });

  it('reports each change of the count once, the first observation included', async () => {
    const { client } = fakeRedis();
    const changes: [number, number | undefined][] = [];
    const a = createInstanceHeartbeat({
      client,
      prefix: 'eg',
      id: 'a',
      time: () => 0,
      onCount: (count, previous) => changes.push([count, previous]),
    });
    const b = createInstanceHeartbeat({ client, prefix: 'eg', id: 'b', time: () => 0 });
    await a.beat();
    await a.beat();
    await b.beat();
    await a.beat();
    await a.beat();
    await b.stop();
    await a.beat();
    assert.deepEqual(changes, [
      [1, undefined],
      [2, 1],
      [1, 2],
    ]);
  });

  it('keeps the last count while Redis is down and logs one warning per run of failures', async () => {
    const { client, state } = fakeRedis();
    const { logger, lines } = recordingLogger();
    const a = createInstanceHeartbeat({ client, prefix: 'eg', id: 'a', time: () => 0, logger });
    const b = createInstanceHeartbeat({ client, prefix: 'eg', id: 'b', time: () => 0 });
    await b.beat();
    assert.equal(await a.beat(), 2);
    state.down = true;
    for (let i = 0; i < 50; i++) assert.equal(await a.beat(), undefined);
    assert.equal(a.observed(), 2);
    state.down = false;
    assert.equal(await a.beat(), 2);
    assert.deepEqual(
      lines.map((l) => [l.level, l.msg]),
      [
        ['warn', 'instance heartbeat failed; the local fallback keeps the last observed instance count'],
        ['info', 'instance heartbeat answered again'],
      ],
    );
    assert.match(JSON.stringify(lines[0]?.obj), /ECONNREFUSED/);
    // stop() while Redis is down neither throws nor waits: the member ages out instead.
    state.down = true;
    await a.stop();
  });

  it('never has two beats in flight: a slow Redis gets one call, not one per tick', async () => {
    const { client, state } = fakeRedis();
    let tick: (() => Promise<unknown>) | undefined;
    let cancelled = 0;
    const a = createInstanceHeartbeat({
      client,
      prefix: 'eg',
      id: 'a',
      time: () => 0,
      schedule: (beat, everyMs) => {
        assert.equal(everyMs, 5000, 'the default interval');
        tick = beat;
        return () => cancelled++;
      },
    });
    a.start();
    a.start();
    state.hang = true;
    for (let i = 0; i < 10; i++) void tick?.();
    assert.equal(state.evals, 1);
    state.pending.shift()?.();
    await new Promise((r) => setImmediate(r));
    assert.equal(a.observed(), 1);
    state.hang = false;
    await a.stop();
    assert.equal(cancelled, 1);
  });

  it('refuses an interval that is not a positive integer or a staleness shorter than a beat', () => {
    const { client } = fakeRedis();
    for (const bad of [{ everyMs: 0 }, { everyMs: 1.5 }, { everyMs: 1000, staleAfterMs: 999 }]) {
      assert.throws(() => createInstanceHeartbeat({ client, prefix: 'eg', ...bad }), {
        name: 'EnumguardError',
        code: 'ERR_CONFIG',
      });
    }
  });

  it('picks a random 16-hex-digit id when none is given', () => {
    const { client } = fakeRedis();
    const ids = new Set([0, 1, 2].map(() => createInstanceHeartbeat({ client, prefix: 'eg' }).id));
    assert.equal(ids.size, 3);
    for (const id of ids) assert.match(id, /^[0-9a-f]{16}$/);
  });
});
