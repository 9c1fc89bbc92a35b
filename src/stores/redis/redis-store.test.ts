import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { spec } from '../../../test/helpers/limit-spec.ts';
import { connectLocalRedis, LOCAL_REDIS_UNREACHABLE } from '../../../test/helpers/local-redis.ts';
import { manualClock, type ManualClock } from '../../core/clock.ts';
import type { LimitCheck, LimitSpec } from '../../core/limit.ts';
import { riskModel } from '../../core/risk.ts';
import { seededRng } from '../../core/rng.ts';
import { createMemoryStore, type MemoryStore } from '../memory-store.ts';
import type { RiskedOutcome, RiskLayer, RiskLookup, RiskReading, RiskSignal, Store } from '../store.ts';
import { createRedisStore, type RedisStoreOptions } from './redis-store.ts';

// Self-contained against the local Redis on 127.0.0.1:6379; every test uses its own random
// prefix and clears it. Without Redis the suite skips, except in CI, where it must fail.

const client = await connectLocalRedis();
const unreachable = LOCAL_REDIS_UNREACHABLE;
after(() => client?.disconnect());

const MIN = 60_000;
const T0 = 1_700_000_000_000;
const model = riskModel({
  halfLifeMs: 10 * MIN,
  thresholds: { observe: 10, shrink: 20, challenge: 40, block: 80 },
  shrinkFactor: 0.25,
  block: { baseMs: 30 * MIN, multiplier: 2, maxMs: 24 * 60 * MIN, forgetAfterMs: 7 * 24 * 60 * MIN },
});
const check = (s: LimitSpec, key: string, cost = 1, extra: Partial<LimitCheck> = {}): LimitCheck => ({
  spec: s,
  key,
  cost,
  ...extra,
});

/** A Redis store on its own prefix and a memory store, both on one manual clock. */
function pair(options: Partial<RedisStoreOptions> = {}): {
  redis: Store;
  memory: MemoryStore;
  clock: ManualClock;
} {
  const clock = manualClock(T0);
  const redis = createRedisStore({
    client: client as Redis,
    prefix: `egtest-${randomUUID()}`,
    seed: [11, 22],
    time: () => clock.now(),
    ...options,
  });
  const memory = createMemoryStore({
    clock,
    seed: [11, 22],
    ...(options.maxTargetsPerKey === undefined ? {} : { maxTargetsPerKey: options.maxTargetsPerKey }),
  });
  return { redis, memory, clock };
}

/** A reading with its score rounded: Lua's pow may differ from V8's in the last bit. */
function rounded(r: RiskReading | undefined): unknown {
  return r === undefined ? undefined : { ...r, score: Math.round(r.score * 1e6) / 1e6 };
}
function same(redis: RiskedOutcome, memory: RiskedOutcome, what: string): void {
  assert.deepEqual({ ...redis, risk: rounded(redis.risk) }, { ...memory, risk: rounded(memory.risk) }, what);
}

describe(
  'redis store',
  { skip: client === undefined && process.env.CI !== 'true' ? `${unreachable}: skipped` : false },
  () => {
    it('reaches Redis (required in CI)', () => {
      assert.ok(client !== undefined, `${unreachable}, and CI=true requires it`);
    });
    if (client === undefined) return;

    for (const algorithm of ['gcra', 'sliding-window', 'fixed-window'] as const) {
      it(`decides a ${algorithm} sequence exactly as the memory store does`, async () => {
        const { redis, memory, clock } = pair();
        const seeded = seededRng(algorithm.length); // seeded: a failing sequence repeats
        const next = (): number => seeded.next();
        // Redis expires keys on its own clock, not the manual one: windows and clock steps are
        // scaled up together so that no key can expire between two steps on a loaded machine.
        const SCALE = 1000;
        const specs = [
          spec('a', algorithm, 5, 1000 * SCALE, 3),
          spec('b', algorithm, 20, 10_000 * SCALE),
          spec('c', algorithm, 3, MIN * SCALE),
        ];
        for (let i = 0; i < 300; i++) {
          const checks: LimitCheck[] = [];
          const n = 1 + Math.floor(next() * 3);
          for (let j = 0; j < n; j++) {
            const s = specs[Math.floor(next() * specs.length)] as LimitSpec;
            checks.push(check(s, `${s.id}:${Math.floor(next() * 3)}`, Math.floor(next() * 3)));
          }
          same(await redis.consume(checks), memory.consume(checks), `request ${i}`);
          clock.advance(Math.floor(next() * 400) * SCALE + next());
        }
        await redis.clear();
      });
    }

    it('charges none of a request’s limits when one of them denies', async () => {
      const { redis } = pair();
      const roomy = spec('roomy', 'gcra', 10);
      const tight = spec('tight', 'fixed-window', 1);
      assert.equal((await redis.consume([check(roomy, 'a'), check(tight, 'b')])).allowed, true);
      const denied = await redis.consume([check(roomy, 'a'), check(tight, 'b')]);
      assert.deepEqual(
        denied.outcomes.map((o) => o.allowed),
        [true, false],
      );
      assert.equal((await redis.consume([check(roomy, 'a')])).outcomes[0]?.remaining, 8);
      await redis.clear();
    });

    it('charges a distinct limit once per unseen target, duplicates once, and only when allowed', async () => {
      const { redis, memory } = pair();
      const distinct = spec('distinct', 'sliding-window', 5, 3_600_000);
      const tight = spec('tight', 'fixed-window', 2);
      const steps: LimitCheck[][] = [
        [check(distinct, 'u', 0, { targets: ['+1', '+2', '+1'] })],
        [check(distinct, 'u', 0, { targets: ['+2', '+3'] })],
        [check(distinct, 'u', 0, { targets: ['+4', '+5', '+6'] }), check(tight, 't')],
        [check(distinct, 'u', 0, { targets: ['+4', '+5'] }), check(tight, 't', 3)],
        [check(distinct, 'u', 0, { targets: ['+4', '+5'] })],
        [check(distinct, 'u', 0, { targets: ['+1', '+2', '+3', '+4', '+5'] })],
        [check(distinct, 'u', 0, { targets: ['+7'] })],
      ];
      const remaining: number[] = [];
      for (const [i, checks] of steps.entries()) {
        const r = await redis.consume(checks);
        same(r, memory.consume(checks), `step ${i}`);
        remaining.push(r.allowed ? (r.outcomes[0]?.remaining ?? -1) : -1);
      }
      // 2 new, 1 new, 3 new denied (cost 3 > 2 left), 2 new denied by tight, 2 new, all seen, one too many.
      assert.deepEqual(remaining, [3, 2, -1, -1, 0, 0, -1]);
      await redis.clear();
    });

    it('forgets a target set that would pass maxTargetsPerKey (stricter, never looser)', async () => {
      const { redis } = pair({ maxTargetsPerKey: 4 });
      const distinct = spec('distinct', 'fixed-window', 100, 3_600_000);
      const t = (...xs: string[]) => [check(distinct, 'u', 0, { targets: xs })];
      assert.equal((await redis.consume(t('1', '2', '3'))).outcomes[0]?.remaining, 97);
      assert.equal((await redis.consume(t('3', '4'))).outcomes[0]?.remaining, 96); // 4 held: at the bound
      assert.equal((await redis.consume(t('5'))).outcomes[0]?.remaining, 95); // set forgotten, 5 kept
      assert.equal((await redis.consume(t('1', '5'))).outcomes[0]?.remaining, 94); // 1 is new again
      await redis.clear();
    });

    const lookup = (identity: string | undefined, prefix: string, shadow = false): RiskLookup => ({
      model,
      identity,
      prefix,
      shadow,
    });
    const signal = (
      weight: number,
      layers: Partial<Record<RiskLayer, number>>,
      shadow = false,
    ): RiskSignal => ({
      weight,
      layers: { identity: 0, ipPrefix: 0, cohort: 0, ...layers },
      shadow,
    });

    it('reads, blocks, challenges, shrinks and ramps exactly as the memory store does', async () => {
      const { redis, memory, clock } = pair();
      const A = '198.51.100.0/24';
      const B = '203.0.113.0/24';
      const quota = spec('quota', 'gcra', 40, 3_600_000);
      const ramp = { from: 0.25, overMs: 60 * MIN };
      const req = (id: string | undefined, prefix: string, shadow = false) =>
        [[check(quota, `q:${id ?? prefix}`, 2, { ramp })], lookup(id, prefix, shadow)] as const;
      const both = async (what: string, checks: readonly LimitCheck[], risk: RiskLookup) =>
        same(await redis.consume(checks, risk), memory.consume(checks, risk), what);
      const sig = async (what: string, risk: RiskLookup, s: RiskSignal) =>
        assert.deepEqual(rounded(await redis.signal(risk, s)), rounded(memory.signal(risk, s)), what);

      await both('first sight: ramped cost', ...req('alice', A));
      clock.advance(20 * MIN);
      await both('older: less ramp', ...req('alice', A));
      await sig('shrink', lookup('alice', A), signal(25, { identity: 1 }));
      await both('shrunk', ...req('alice', A));
      await sig('challenge', lookup('alice', A), signal(20, { identity: 1 }));
      await both('challenged: nothing charged', ...req('alice', A));
      clock.advance(5 * MIN);
      await sig('block', lookup('alice', B), signal(100, { identity: 1, ipPrefix: 1, cohort: 1 }));
      await both('blocked', ...req('alice', A));
      await sig(
        'blocked identity adds nothing to its networks',
        lookup('alice', B),
        signal(100, { ipPrefix: 1, cohort: 1 }),
      );
      await both('prefix of a blocked identity', ...req(undefined, B));
      await both('a newcomer on A shares the cohort A', ...req('bob', A));
      await sig('cohort block', lookup('carol', A), signal(90, { cohort: 1 }));
      await both('bob in cohort A, now from B', ...req('bob', B));
      await sig('shadow signal', lookup('dave', B), signal(200, { identity: 1 }, true));
      await both('shadow scores do not enforce', ...req('dave', B));
      await sig('policy in shadow', lookup('erin', B, true), signal(200, { identity: 1 }));
      await both('a policy in shadow never blocks', ...req('erin', B, true));
      clock.advance(31 * MIN);
      await both('block over: challenge by score', ...req('alice', A));
      clock.advance(3 * 60 * MIN);
      await both('decayed', ...req('alice', A));
      await redis.clear();
    });

    it('sends one EVALSHA per consume, and nothing else', async () => {
      const { redis } = pair();
      // Warm up: the first call of a script may be EVALSHA, NOSCRIPT, then EVAL.
      await redis.consume([check(spec('w', 'gcra', 5), 'warm-up')], lookup('zed', '192.0.2.0/24'));
      const monitor = await client.monitor();
      const seen: string[][] = [];
      const marker = `marker-${randomUUID()}`;
      const done = new Promise<void>((resolve) => {
        monitor.on('monitor', (_time: string, args: string[], source: string) => {
          if (args.includes(marker)) resolve();
          else if (source !== 'lua' && args.some((a) => a.includes('egtest-'))) seen.push(args);
        });
      });
      const checks = [
        check(spec('a', 'gcra', 5), 'k1'),
        check(spec('b', 'sliding-window', 5), 'k2'),
        check(spec('c', 'fixed-window', 5), 'k3'),
        check(spec('d', 'gcra', 50), 'k4', 0, { targets: ['+1', '+2', '+3'] }),
      ];
      await redis.consume(checks, lookup('zed', '192.0.2.0/24'));
      await client.echo(marker);
      await done;
      monitor.disconnect();
      assert.deepEqual(
        seen.map((args) => args[0]?.toLowerCase()),
        ['evalsha'],
      );
      await redis.clear();
    });

    it('recovers from SCRIPT FLUSH (NOSCRIPT) by loading the script again', async () => {
      const { redis } = pair();
      const s = spec('s', 'fixed-window', 2);
      assert.equal((await redis.consume([check(s, 'k')])).allowed, true);
      await client.script('FLUSH');
      assert.equal((await redis.consume([check(s, 'k')])).allowed, true);
      assert.equal((await redis.consume([check(s, 'k')])).allowed, false);
      await redis.clear();
    });

    it('keeps no identity, prefix, key or target in clear in Redis, and clear() removes every key', async () => {
      const prefix = `egtest-${randomUUID()}`;
      const redis = createRedisStore({ client: client, prefix });
      const secret = 'tok_SECRET_bearer';
      await redis.consume(
        [check(spec('s', 'gcra', 5), `route/limit:${secret}`, 0, { targets: ['+15551234567'] })],
        lookup(secret, '198.51.100.0/24'),
      );
      await redis.signal(
        lookup(secret, '198.51.100.0/24'),
        signal(5, { identity: 1, ipPrefix: 1, cohort: 1 }),
      );
      const keys = await client.keys(`${prefix}:*`);
      assert.ok(keys.length >= 4, `keys: ${keys.join(' ')}`);
      for (const key of keys) {
        assert.match(key, new RegExp(`^${prefix}:\\{[0-9a-f]{16}\\}:[ltr]$`));
        const dump = JSON.stringify(await client.call('DUMP', key));
        for (const plain of [secret, '198.51.100', '15551234567', 'route/limit'])
          assert.ok(!dump.includes(plain));
      }
      await redis.clear();
      assert.deepEqual(await client.keys(`${prefix}:*`), []);
    });

    it('uses Redis TIME by default', async () => {
      const redis = createRedisStore({ client: client, prefix: `egtest-${randomUUID()}` });
      const s = spec('s', 'gcra', 1, 10_000);
      assert.equal((await redis.consume([check(s, 'k')])).allowed, true);
      const denied = (await redis.consume([check(s, 'k')])).outcomes[0];
      assert.equal(denied?.allowed, false);
      assert.ok((denied?.retryAfterMs ?? 0) > 9_000 && (denied?.retryAfterMs ?? 0) <= 10_000);
      await redis.clear();
    });
  },
);
