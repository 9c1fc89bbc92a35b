import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LimitCheck } from '../core/limit.ts';
import { adminContract } from './store-contract-admin.ts';
import { riskContract } from './store-contract-risk.ts';
import {
  CONTRACT_START_MS,
  check,
  consume,
  remaining,
  spec,
  take,
  type ContractCase,
  type StoreSetup,
  type StoreUnderTest,
} from './store-contract-kit.ts';

export {
  CONTRACT_START_MS,
  type ContractContext,
  type StoreSetup,
  type StoreUnderTest,
} from './store-contract-kit.ts';

// A fixed window with room to spare: `remaining` then reads the charged cost exactly.
const roomy = spec('cd', 'fixed-window', 1_000_000, 3_600_000);
const numbers = (from: number, count: number): string[] =>
  Array.from({ length: count }, (_, i) => `+1415${String(5_000_000 + from + i)}`);
const distinct = (targets: readonly string[], key = 'cd:alice', s = roomy): LimitCheck => ({
  spec: s,
  key,
  cost: 0,
  targets,
});

/** Units a request charged its (only) check's key. */
async function charged(s: StoreUnderTest, c: LimitCheck): Promise<number> {
  const before = await remaining(s, c);
  await consume(s, [c]);
  return before - (await remaining(s, c));
}

/**
 * The Store contract as tests (DESIGN.md, convention 4): every store — memory, Redis
 * standalone, Redis Cluster, and any store a user writes — registers this one suite and must
 * pass all of it. Published as `enumguard/testing`; it registers node:test suites, so run it
 * under `node --test`. It covers what `consume`, `signal` and `clear` promise through the
 * Store interface only; a store's own internals (memory bounds, snapshots, Lua scripts) keep
 * their own tests.
 *
 * Time: the store under test must decide with a clock the test moves. `setup` gets the start
 * time and returns `advance(ms)`, which moves the store's clock forward; nothing else may move
 * it (no wall time), so every case is exact. The memory store passes a manualClock;
 * the Redis store its test-only time function reading the same manualClock instead of TIME.
 *
 *   import { createMemoryStore, manualClock } from 'enumguard';
 *   import { describeStoreContract } from 'enumguard/testing';
 *
 *   describeStoreContract('memory', ({ startMs }) => {
 *     const clock = manualClock(startMs);
 *     const store = createMemoryStore({ clock });
 *     return Promise.resolve({ store, advance: (ms) => clock.advance(ms), close: () => store.close() });
 *   });
 *
 * Each case calls `setup` for a fresh, empty store and `close` when done. A store that shares
 * its backend between cases (one Redis for the whole file) must isolate them, e.g. with a key
 * prefix of its own per setup. `setup` may return undefined after calling `t.skip(reason)`:
 * enumguard's own Redis fixtures do that outside CI when no Redis can be had.
 */
export function describeStoreContract(name: string, setup: StoreSetup): void {
  const contractCase: ContractCase = (title, body) => {
    it(title, async (t) => {
      const s = await setup({ startMs: CONTRACT_START_MS, t });
      if (s === undefined) return; // skipped by setup
      try {
        await body(s);
      } finally {
        await s.close();
      }
    });
  };

  describe(`${name} store: the Store contract`, () => {
    describe('limits', () => limitCases(contractCase));
    describe('distinct targets', () => distinctCases(contractCase));
    describe('risk', () => riskContract(contractCase));
    describe('admin', () => adminContract(contractCase));
  });
}

function limitCases(test: ContractCase): void {
  // Windows here are an hour, not a second: a Redis store's keys expire on Redis' own clock, and a
  // loaded machine may pause a second between two steps of a test run on a manual clock.
  test('GCRA: denies the 3rd lookup at 2 per window, and allows one an emission interval later', async (s) => {
    const c = check(spec('g', 'gcra', 2, 3_600_000), 'g:a');
    assert.deepEqual(await take(s, c), [true, 1, 0]);
    assert.deepEqual(await take(s, c), [true, 0, 0]);
    assert.deepEqual(await take(s, c), [false, 0, 1_800_000]);
    s.advance(1_799_999);
    assert.equal((await take(s, c))[0], false);
    s.advance(1);
    assert.deepEqual(await take(s, c), [true, 0, 0]);
  });

  test('GCRA: lets a burst through, then paces at the rate; charges a weighted cost', async (s) => {
    const paced = check(spec('p', 'gcra', 60, 60_000, 5), 'p:a');
    for (let i = 0; i < 5; i++) assert.equal((await take(s, paced))[0], true);
    assert.deepEqual(await take(s, paced), [false, 0, 1000]);
    s.advance(1000);
    assert.equal((await take(s, paced))[0], true);
    assert.equal((await take(s, paced))[0], false);

    const weighted = spec('w', 'gcra', 100, 60_000);
    const first = (await consume(s, [check(weighted, 'w:a', 30)])).outcomes[0];
    assert.deepEqual([first?.allowed, first?.remaining, first?.resetMs], [true, 70, 18_000]);
    assert.deepEqual(await take(s, check(weighted, 'w:a', 71)), [false, 70, 600]);
  });

  test('fixed window: allows the limit per window and starts afresh at the boundary', async (s) => {
    const c = check(spec('f', 'fixed-window', 3, 3_600_000), 'f:a');
    assert.deepEqual(await take(s, c), [true, 2, 0]);
    assert.deepEqual(await take(s, c), [true, 1, 0]);
    assert.deepEqual(await take(s, c), [true, 0, 0]);
    assert.deepEqual(await take(s, c), [false, 0, 3_600_000]);
    s.advance(3_599_999);
    assert.deepEqual(await take(s, c), [false, 0, 1]);
    s.advance(1);
    assert.deepEqual(await take(s, c), [true, 2, 0]);
  });

  test('sliding window: counts the previous window by how much of it still overlaps', async (s) => {
    const c = check(spec('s', 'sliding-window', 10, 3_600_000), 's:a');
    for (let i = 0; i < 10; i++) assert.equal((await take(s, c))[0], true);
    assert.equal((await take(s, c))[0], false);
    // A quarter into the next window: 10 × 0.75 = 7.5 of the previous still count, 2 fit.
    s.advance(4_500_000);
    assert.deepEqual(await take(s, c), [true, 1, 0]);
    assert.deepEqual(await take(s, c), [true, 0, 0]);
    assert.equal((await take(s, c))[0], false);
  });

  test('peeks without charging at cost 0, and keeps separate keys separate', async (s) => {
    const one = spec('one', 'gcra', 1, 60_000);
    assert.deepEqual(await take(s, check(one, 'x', 0)), [true, 1, 0]);
    assert.equal((await take(s, check(one, 'x')))[0], true);
    assert.equal((await take(s, check(one, 'y')))[0], true);
    assert.equal((await take(s, check(one, 'x')))[0], false);
  });

  // Moved here from memory-store.test.ts.
  test('charges none of a request’s limits when one of them denies', async (s) => {
    const roomyGcra = spec('roomy', 'gcra', 10, 60_000);
    const tight = spec('tight', 'gcra', 1, 60_000);
    assert.equal((await consume(s, [check(roomyGcra, 'a'), check(tight, 'b')])).allowed, true);
    const denied = await consume(s, [check(roomyGcra, 'a'), check(tight, 'b')]);
    assert.equal(denied.allowed, false);
    assert.deepEqual(
      denied.outcomes.map((o) => [o.spec.id, o.key, o.allowed]),
      [
        ['roomy', 'a', true],
        ['tight', 'b', false],
      ],
    );
    // roomy was charged once, not twice.
    assert.equal(await remaining(s, check(roomyGcra, 'a')), 9);
  });

  test('clear() forgets every key', async (s) => {
    const one = check(spec('one', 'fixed-window', 1, 3_600_000), 'k');
    assert.equal((await take(s, one))[0], true);
    assert.equal((await take(s, one))[0], false);
    await s.store.clear();
    assert.equal((await take(s, one))[0], true);
  });
}

function distinctCases(test: ContractCase): void {
  // The first three moved here from memory-store-distinct.test.ts.
  test('charges 300 new numbers 300, and the same 300 again nothing', async (s) => {
    const book = numbers(0, 300);
    assert.equal(await charged(s, distinct(book)), 300);
    assert.equal(await charged(s, distinct(book)), 0);
    assert.equal(await charged(s, distinct(numbers(300, 300))), 300);
    assert.equal(await charged(s, distinct([...book, ...numbers(1_000, 10)])), 10);
  });

  test('counts duplicates inside one request once', async (s) => {
    const book = numbers(0, 50);
    assert.equal(await charged(s, distinct([...book, ...book, ...book])), 50);
  });

  test('keeps each key’s targets apart', async (s) => {
    const book = numbers(0, 20);
    assert.equal(await charged(s, distinct(book, 'cd:alice')), 20);
    assert.equal(await charged(s, distinct(book, 'cd:bob')), 20);
  });

  test('remembers no target of a request another limit denies', async (s) => {
    const tight = check(spec('tight', 'gcra', 1, 60_000), 'tight:alice');
    assert.equal((await consume(s, [tight])).allowed, true);
    const denied = await consume(s, [distinct(numbers(0, 40)), tight]);
    assert.deepEqual(
      [denied.allowed, denied.outcomes[0]?.allowed, denied.outcomes[1]?.allowed],
      [false, true, false],
    );
    assert.equal(await charged(s, distinct(numbers(0, 40))), 40);
  });

  test('remembers no target when the distinct limit itself denies', async (s) => {
    const small = spec('small', 'gcra', 6, 3_600_000, 100);
    assert.equal((await consume(s, [distinct(numbers(0, 90), 'small:a', small)])).allowed, true);
    const over = await consume(s, [distinct(numbers(90, 20), 'small:a', small)]);
    assert.deepEqual([over.allowed, over.outcomes[0]?.remaining], [false, 10]);
    // The known 90 stay free with the bucket nearly empty; the refused 20 are still new.
    assert.equal((await consume(s, [distinct(numbers(0, 90), 'small:a', small)])).allowed, true);
    const ten = await consume(s, [distinct(numbers(90, 10), 'small:a', small)]);
    assert.deepEqual([ten.allowed, ten.outcomes[0]?.remaining], [true, 0]);
  });

  test('clear() forgets every target', async (s) => {
    assert.equal(await charged(s, distinct(numbers(0, 10))), 10);
    await s.store.clear();
    assert.equal(await charged(s, distinct(numbers(0, 10))), 10);
  });
}
