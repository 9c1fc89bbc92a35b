import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { spec } from '../../../test/helpers/limit-spec.ts';
import { connectLocalRedis, LOCAL_REDIS_UNREACHABLE } from '../../../test/helpers/local-redis.ts';
import { manualClock } from '../../core/clock.ts';
import { seededRng } from '../../core/rng.ts';
import { isEnumguardError } from '../../core/errors.ts';
import type { LimitCheck, LimitSpec } from '../../core/limit.ts';
import type { RiskedOutcome, Store } from '../store.ts';
import { createRedisStore, type RedisStoreOptions } from './redis-store.ts';

// Against the local Redis on 127.0.0.1:6379, each store on its own random prefix, cleared at
// the end. Without Redis the suite skips, except in CI, where it must fail.

const client = await connectLocalRedis();
const unreachable = LOCAL_REDIS_UNREACHABLE;
after(() => client?.disconnect());

const MIN = 60_000;
const T0 = 1_700_000_000_000;
/**
 * The sequences run on a manual clock, but Redis expires keys on its own clock: a key whose
 * PEXPIRE was computed from a window of 1 s could vanish while a loaded machine takes over a
 * second between the batched and the plain store's turn. Windows and clock steps are therefore
 * scaled up together by this factor: the same decisions, with every key outliving the test.
 */
const SCALE = 1000;

function store(c: Redis, options: Partial<RedisStoreOptions> = {}): Store {
  return createRedisStore({ client: c, prefix: `egtest-${randomUUID()}`, seed: [11, 22], ...options });
}

describe(
  'redis store, batched',
  { skip: client === undefined && process.env.CI !== 'true' ? `${unreachable}: skipped` : false },
  () => {
    it('reaches Redis (required in CI)', () => {
      assert.ok(client !== undefined, `${unreachable}, and CI=true requires it`);
    });
    if (client === undefined) return;
    const c = client;

    for (const algorithm of ['gcra', 'sliding-window', 'fixed-window'] as const) {
      it(`answers concurrent ${algorithm} requests, with distinct targets, as the unbatched store answers them in order`, async () => {
        const clock = manualClock(T0);
        const time = (): number => clock.now();
        const plain = store(c, { time });
        const batched = store(c, { time, batch: { maxSize: 5 } });
        const seeded = seededRng(algorithm.length * 7); // seeded: a failing sequence repeats
        const next = (): number => seeded.next();
        const specs = [
          spec('a', algorithm, 5, 1000 * SCALE, 3),
          spec('b', algorithm, 20, 10_000 * SCALE),
          spec('c', algorithm, 3, MIN * SCALE),
        ];
        const distinct = spec('d', algorithm, 8, 10_000 * SCALE);
        let denials = 0;
        for (let step = 0; step < 60; step++) {
          // 1 to 12 requests issued in the same turn: one or more batches of at most 5.
          const requests: LimitCheck[][] = [];
          for (let r = 1 + Math.floor(next() * 12); r > 0; r--) {
            const checks: LimitCheck[] = [];
            for (let j = 1 + Math.floor(next() * 3); j > 0; j--) {
              const s = specs[Math.floor(next() * specs.length)] as LimitSpec;
              checks.push({
                spec: s,
                key: `${s.id}:${Math.floor(next() * 3)}`,
                cost: Math.floor(next() * 3),
              });
            }
            if (next() < 0.4) {
              const targets = Array.from(
                { length: 1 + Math.floor(next() * 4) },
                () => `+1${Math.floor(next() * 12)}`,
              );
              checks.push({ spec: distinct, key: `d:${Math.floor(next() * 2)}`, cost: 0, targets });
            }
            requests.push(checks);
          }
          const got = await Promise.all(requests.map(async (checks) => batched.consume(checks)));
          const want: RiskedOutcome[] = [];
          for (const checks of requests) want.push(await plain.consume(checks));
          assert.deepEqual(got, want, `step ${step}`);
          denials += want.filter((o) => !o.allowed).length;
          clock.advance(Math.floor(next() * 600) * SCALE + next());
        }
        assert.ok(denials > 0, 'the sequence must exercise denials too');
        await plain.clear();
        await batched.clear();
      });
    }

    it('sends the requests issued in one turn as one script call, at most maxSize each', async () => {
      const own = (await connectLocalRedis()) as Redis;
      try {
        const s = store(own, { batch: { maxSize: 4 } });
        const commands = own as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
        const original = commands.enumguardConsume as (...args: unknown[]) => Promise<unknown>;
        const sizes: number[] = [];
        commands.enumguardConsume = async (...args: unknown[]) => {
          // The call's reply holds one reply per request it decided.
          const reply = (await original.apply(own, args)) as unknown[];
          sizes.push(reply.length);
          return reply;
        };
        const limit = spec('l', 'gcra', 100);
        const answers = await Promise.all(
          Array.from({ length: 10 }, async (_, i) => s.consume([{ spec: limit, key: `k${i % 3}`, cost: 1 }])),
        );
        assert.deepEqual(sizes, [4, 4, 2]); // two full batches at once, the rest on the next turn
        assert.ok(answers.every((a) => a.allowed));
        await s.clear();
      } finally {
        own.disconnect();
      }
    });

    it('decides on Redis TIME: 5 concurrent requests against a limit of 3 allow exactly 3', async () => {
      const s = store(c, { batch: {} });
      const limit = spec('three', 'fixed-window', 3, MIN);
      const answers = await Promise.all(
        Array.from({ length: 5 }, async () => s.consume([{ spec: limit, key: 'same', cost: 1 }])),
      );
      assert.deepEqual(
        answers.map((a) => a.allowed),
        [true, true, true, false, false],
      );
      await s.clear();
    });

    it('rejects every request of a batch Redis cannot answer with ERR_STORE_UNAVAILABLE', async () => {
      const dead = new Redis({
        port: 1,
        lazyConnect: true,
        enableOfflineQueue: false,
        retryStrategy: () => null,
      });
      dead.on('error', () => {});
      const s = store(dead, { batch: {} });
      const limit = spec('l', 'gcra', 10);
      const results = await Promise.allSettled(
        Array.from({ length: 3 }, async () => s.consume([{ spec: limit, key: 'k', cost: 1 }])),
      );
      for (const r of results) {
        assert.equal(r.status, 'rejected');
        assert.ok(isEnumguardError(r.reason, 'ERR_STORE_UNAVAILABLE'));
      }
      dead.disconnect();
    });

    it('refuses a batch size below 1', () => {
      assert.throws(
        () => store(c, { batch: { maxSize: 0 } }),
        (err: unknown) => isEnumguardError(err, 'ERR_CONFIG'),
      );
    });
  },
);
