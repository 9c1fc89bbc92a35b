import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock, type ManualClock } from '../core/clock.ts';
import { isEnumguardError } from '../core/errors.ts';
import type { LimitCheck, LimitSpec } from '../core/limit.ts';
import { createMemoryStore } from './memory-store.ts';
import { createResilientStore, type ResilientStoreOptions } from './resilient-store.ts';
import type { RiskedOutcome, RiskLookup, RiskReading, Store } from './store.ts';
import { riskModel } from '../core/risk.ts';

const spec = (id: string, limit: number, burst = limit): LimitSpec => ({
  id,
  algorithm: 'gcra',
  limit,
  windowMs: 60_000,
  burst,
});
const check = (s: LimitSpec, key = 'k', cost = 1): LimitCheck => ({ spec: s, key, cost });
const TEN = spec('route/per-ip', 10);

type Behaviour = 'ok' | 'fail' | 'hang' | 'defer';

/** A primary whose behaviour the test switches; 'ok' answers from a memory store, asynchronously. */
function fakePrimary(clock: ManualClock) {
  const backing = createMemoryStore({ clock, seed: [1, 2] });
  const deferred: { resolve: (v: RiskedOutcome) => void; reject: (e: Error) => void }[] = [];
  const fake = {
    behaviour: 'ok' as Behaviour,
    calls: 0,
    deferred,
    backing,
  };
  function answer<T>(value: () => T): Promise<T> {
    fake.calls++;
    switch (fake.behaviour) {
      case 'ok':
        return Promise.resolve().then(value);
      case 'fail':
        return Promise.reject(new Error('ECONNREFUSED 127.0.0.1:6379'));
      case 'hang':
        return new Promise<T>(() => undefined);
      case 'defer':
        return new Promise<T>((resolve, reject) => {
          deferred.push({ resolve: resolve as (v: RiskedOutcome) => void, reject });
        });
    }
  }
  const store: Store = {
    name: 'fake',
    consume: (checks, risk) => answer(() => backing.consume(checks, risk)),
    signal: (risk, signal): Promise<RiskReading> => answer(() => backing.signal(risk, signal)),
    clear: () => backing.clear(),
    close: () => Promise.resolve(),
  };
  return { fake, store };
}

function setup(overrides: Partial<ResilientStoreOptions> = {}) {
  const clock = manualClock(1_000_000);
  const { fake, store: primary } = fakePrimary(clock);
  const logs: { level: 'warn' | 'error'; msg: string }[] = [];
  const logger = {
    warn: (_: object, msg: string) => logs.push({ level: 'warn', msg }),
    error: (_: object, msg: string) => logs.push({ level: 'error', msg }),
  };
  const store = createResilientStore({
    primary,
    clock,
    timeoutMs: 20,
    breaker: { failures: 3, windowMs: 10_000, openMs: 2_000 },
    logger,
    ...overrides,
  });
  return { clock, fake, store, logs };
}

/** Fails the primary `n` times through the wrapper (local mode). */
async function failTimes(store: Store, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await store.consume([check(TEN, `warmup-${i}`)]);
}

describe('createResilientStore', () => {
  it('passes the primary’s answers through while it is healthy', async () => {
    const { store, fake } = setup();
    const out = await store.consume([check(TEN)]);
    assert.equal(out.allowed, true);
    assert.equal(out.fallback, undefined);
    assert.equal(out.outcomes[0]?.remaining, 9);
    assert.equal(fake.calls, 1);
    assert.equal(store.stats().state, 'closed');
  });

  it('answers a hanging primary from the fallback once timeoutMs has passed, not before', async (t) => {
    // Timers mocked: the 20 ms timeout is moved by hand, so a loaded machine cannot blur it.
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const { store, fake } = setup();
    fake.behaviour = 'hang';
    const pending = store.consume([check(TEN)]);
    assert.ok(pending instanceof Promise);
    let answered = false;
    void pending.then(() => (answered = true));
    t.mock.timers.tick(19);
    await new Promise((r) => setImmediate(r));
    assert.equal(answered, false, 'still waiting for the primary 19 ms in');
    t.mock.timers.tick(1);
    const out = await pending;
    assert.equal(out.fallback, 'local');
    assert.equal(out.allowed, true);
    const stats = store.stats();
    assert.equal(stats.timeouts, 1);
    assert.equal(stats.primaryErrors, 0);
    assert.equal(stats.lastError?.kind, 'timeout');
    assert.deepEqual(stats.fallbacks, { deny: 0, allow: 0, local: 1 });
  });

  it('opens after 3 failures and never calls the primary until openMs has passed', async () => {
    const { store, fake, clock } = setup();
    fake.behaviour = 'fail';
    await failTimes(store, 3);
    assert.equal(store.stats().state, 'open');
    assert.equal(fake.calls, 3);
    fake.behaviour = 'ok';
    for (let i = 0; i < 50; i++) {
      const out = await store.consume([check(TEN, `k${i}`)]);
      assert.equal(out.fallback, 'local');
      clock.advance(39); // 50 × 39 ms = 1950 ms < openMs
    }
    assert.equal(fake.calls, 3, 'an open circuit does not touch the primary');
    assert.equal(store.stats().fallbacks.local, 53);
  });

  it('sends one half-open probe after openMs and closes the circuit when it succeeds', async () => {
    const { store, fake, clock } = setup();
    fake.behaviour = 'fail';
    await failTimes(store, 3);
    fake.behaviour = 'defer';
    clock.advance(2_000);
    const probe = store.consume([check(TEN, 'probe')]);
    assert.equal(store.stats().state, 'half-open');
    // While the probe is out, others are answered locally without a second primary call.
    const other = await store.consume([check(TEN, 'other')]);
    assert.equal(other.fallback, 'local');
    assert.equal(fake.calls, 4);
    fake.deferred[0]?.resolve({ allowed: true, outcomes: [] });
    assert.equal((await probe).fallback, undefined);
    assert.equal(store.stats().state, 'closed');
    fake.behaviour = 'ok';
    assert.equal((await store.consume([check(TEN)])).fallback, undefined);
    assert.equal(fake.calls, 5);
    assert.deepEqual(store.stats().transitions, { open: 1, 'half-open': 1, closed: 1 });
  });

  it('re-opens when the probe fails, and waits another openMs', async () => {
    const { store, fake, clock } = setup();
    fake.behaviour = 'fail';
    await failTimes(store, 3);
    clock.advance(2_000);
    assert.equal((await store.consume([check(TEN)])).fallback, 'local');
    assert.equal(fake.calls, 4);
    assert.equal(store.stats().state, 'open');
    assert.deepEqual(store.stats().transitions, { open: 2, 'half-open': 1, closed: 0 });
    clock.advance(1_999);
    await store.consume([check(TEN)]);
    assert.equal(fake.calls, 4);
  });

  it('uses a primary that came back again: recovery needs no restart', async () => {
    const { store, fake, clock } = setup();
    fake.behaviour = 'fail';
    await failTimes(store, 3);
    fake.behaviour = 'ok';
    clock.advance(2_000);
    for (let i = 0; i < 5; i++) {
      const out = await store.consume([check(TEN, 'back')]);
      assert.equal(out.fallback, undefined);
      assert.equal(out.outcomes[0]?.remaining, 9 - i, 'charged in the primary');
    }
    assert.equal(fake.calls, 8);
    assert.equal(store.stats().state, 'closed');
  });

  it('throws ERR_STORE_UNAVAILABLE in deny mode, on an error and while open', async () => {
    const { store, fake } = setup();
    fake.behaviour = 'fail';
    for (let i = 0; i < 4; i++) {
      await assert.rejects(
        async () => store.consume([check(TEN)], undefined, { unavailable: 'deny' }),
        (err: unknown) => isEnumguardError(err, 'ERR_STORE_UNAVAILABLE') && err.cause instanceof Error,
      );
    }
    assert.equal(fake.calls, 3);
    assert.deepEqual(store.stats().fallbacks, { deny: 4, allow: 0, local: 0 });
  });

  it('allows in allow mode, marked, with the whole limit remaining and nothing charged', async () => {
    const { store, fake } = setup();
    fake.behaviour = 'fail';
    for (let i = 0; i < 20; i++) {
      const out = await store.consume([check(TEN)], undefined, { unavailable: 'allow' });
      assert.equal(out.allowed, true);
      assert.equal(out.fallback, 'allow');
      assert.equal(out.outcomes[0]?.remaining, 10);
      assert.equal(out.outcomes[0]?.spec, TEN);
    }
    assert.equal(store.stats().fallbacks.allow, 20);
  });

  it('enforces this instance’s share in local mode: limit 10 over 2 instances allows 5', async () => {
    const { store, fake } = setup({ instances: 2 });
    fake.behaviour = 'fail';
    const allowed: boolean[] = [];
    for (let i = 0; i < 8; i++) allowed.push((await store.consume([check(TEN, 'caller')])).allowed);
    assert.deepEqual(allowed, [true, true, true, true, true, false, false, false]);
    const denied = await store.consume([check(TEN, 'caller')]);
    assert.equal(denied.fallback, 'local');
    assert.equal(denied.outcomes[0]?.spec.limit, 5);
    assert.equal(denied.outcomes[0]?.spec.id, TEN.id);
    // Another key has its own share; an odd limit rounds up, at least 1.
    const three = spec('route/tiny', 1);
    assert.equal((await store.consume([check(three, 'x')])).allowed, true);
    assert.equal((await store.consume([check(three, 'x')])).allowed, false);
  });

  it('reads a changing instance count at each fallback: 10 over 2 allows 5, then over 5 allows 2', async () => {
    let live = 2;
    const { store, fake } = setup({ instances: () => live });
    fake.behaviour = 'fail';
    const run = async (key: string, n: number) => {
      const allowed: boolean[] = [];
      for (let i = 0; i < n; i++) allowed.push((await store.consume([check(TEN, key)])).allowed);
      return allowed.filter(Boolean).length;
    };
    assert.equal(await run('a', 8), 5);
    live = 5;
    assert.equal(await run('b', 8), 2);
    const denied = await store.consume([check(TEN, 'b')]);
    assert.equal(denied.outcomes[0]?.spec.limit, 2);
    // A count that is not a positive integer (nothing observed yet, a bug) is 1: the whole limit.
    live = 0;
    assert.equal(await run('c', 12), 10);
  });

  it('drops a late answer from a timed-out call: the request is answered once, charged once', async () => {
    const { store, fake, clock } = setup();
    let unhandled = 0;
    const onUnhandled = () => unhandled++;
    process.on('unhandledRejection', onUnhandled);
    try {
      fake.behaviour = 'defer';
      const first = await store.consume([check(spec('route/one', 1), 'k')]);
      assert.equal(first.fallback, 'local');
      assert.equal(first.allowed, true);
      const second = store.consume([check(spec('route/one', 1), 'k2')]);
      fake.deferred[0]?.resolve({ allowed: true, outcomes: [] });
      await new Promise((r) => setImmediate(r));
      assert.equal((await second).fallback, 'local');
      fake.deferred[1]?.reject(new Error('late failure'));
      await new Promise((r) => setImmediate(r));
      const stats = store.stats();
      assert.equal(stats.lateAnswers, 2);
      assert.equal(stats.timeouts, 2);
      assert.equal(stats.primaryErrors, 0, 'the late rejection is not counted again');
      assert.equal(stats.fallbacks.local, 2);
      // The late success neither closed anything nor charged the local store a second time.
      fake.behaviour = 'fail';
      clock.advance(1);
      const again = await store.consume([check(spec('route/one', 1), 'k')]);
      assert.equal(again.allowed, false, 'k was charged once locally, by the fallback');
      assert.equal(unhandled, 0);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('decides without waiting while the circuit is open: 1000 answers given synchronously', async () => {
    const { store, fake } = setup();
    fake.behaviour = 'hang';
    await failTimes(store, 3);
    assert.equal(store.stats().state, 'open');
    const limits = [check(TEN, 'a'), check(spec('route/global', 1e6), 'g')];
    // An answer that is no promise waited for nothing: no timer, no I/O, no primary.
    for (let i = 0; i < 1000; i++) assert.ok(!(store.consume(limits) instanceof Promise), `decision ${i}`);
    assert.equal(fake.calls, 3);
  });

  it('logs each state change and the first error of a burst, not every request', async () => {
    const changes: string[] = [];
    const { store, fake, clock, logs } = setup({
      onStateChange: (to, from) => changes.push(`${from}->${to}`),
    });
    fake.behaviour = 'fail';
    await failTimes(store, 3);
    await failTimes(store, 20);
    clock.advance(2_000);
    await failTimes(store, 1); // the probe fails
    clock.advance(2_000);
    fake.behaviour = 'ok';
    await failTimes(store, 1); // the probe succeeds
    fake.behaviour = 'fail';
    await failTimes(store, 1); // a new burst
    assert.deepEqual(changes, [
      'closed->open',
      'open->half-open',
      'half-open->open',
      'open->half-open',
      'half-open->closed',
    ]);
    assert.deepEqual(
      logs.map((l) => l.level),
      ['error', 'warn', 'warn', 'warn', 'warn', 'warn', 'error'],
    );
    assert.match(logs[1]?.msg ?? '', /circuit open/);
  });

  it('keeps detector signals in the local store while the primary is down, never throwing', async () => {
    const { store, fake, logs } = setup();
    const lookup: RiskLookup = {
      model: riskModel({
        halfLifeMs: 600_000,
        thresholds: { observe: 10, shrink: 20, challenge: 40, block: 80 },
        shrinkFactor: 0.25,
        block: { baseMs: 60_000, multiplier: 2, maxMs: 3_600_000, forgetAfterMs: 86_400_000 },
      }),
      identity: 'mallory',
      prefix: '198.51.100.0/24',
      shadow: false,
    };
    const layers = { identity: 1, ipPrefix: 0, cohort: 0 };
    fake.behaviour = 'fail';
    const reading = await store.signal(lookup, { weight: 5, layers, shadow: false });
    assert.ok(reading.score > 0);
    fake.behaviour = 'hang';
    await store.signal(lookup, { weight: 5, layers, shadow: false });
    const out = await store.consume([check(TEN)], lookup);
    assert.equal(out.fallback, 'local');
    assert.ok((out.risk?.score ?? 0) > reading.score, 'the local store holds both signals');
    assert.equal(store.stats().signalFallbacks, 2);
    assert.ok(logs.some((l) => /risk signal kept in the local store/.test(l.msg)));
  });

  it('refuses bad settings with ERR_CONFIG', () => {
    const { store: primary } = fakePrimary(manualClock(0));
    for (const bad of [{ timeoutMs: 0 }, { instances: 0 }, { instances: 1.5 }]) {
      assert.throws(
        () => createResilientStore({ primary, clock: manualClock(0), ...bad }),
        (err: unknown) => isEnumguardError(err, 'ERR_CONFIG'),
      );
    }
  });
});
