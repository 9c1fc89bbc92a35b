import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { seededRng } from '../../../core/rng.ts';
import type { AgentContext, AgentResponse } from '../../agent.ts';
import { knownNumbers } from './known-numbers.ts';
import { lookupPlan } from './lookup-plan.ts';
import type { Job, SlotView } from './plan.ts';
import { listWalk, type TargetWalk } from './target-walk.ts';

/** Candidates "+1555…": every 20th is registered (5%), like random valid numbers. */
function candidates(): TargetWalk {
  let next = 0;
  return {
    take: (n) => Array.from({ length: n }, () => `+1555${String(next++).padStart(7, '0')}`),
    done: () => false,
  };
}
const registered = (n: string): boolean => n.startsWith('+1666') || Number(n.slice(5)) % 20 === 0;
const known = Array.from({ length: 5000 }, (_, i) => `+1666${String(i).padStart(7, '0')}`);

function ctxAt(now: number): AgentContext {
  return {
    now: () => now,
    rng: seededRng(1),
    send: () => undefined,
    wakeAt: () => undefined,
    record: () => undefined,
  };
}
const view = (slot: number, now = 0): SlotView => ({ slot, now, readyAt: () => 0 });

function answer(job: Job, headers: Record<string, string> = {}): AgentResponse {
  const contacts = (job.numbers ?? [])
    .filter(registered)
    .map((number) => ({ number, accountId: `id${number}` }));
  return { status: 200, headers, body: { contacts } };
}

describe('lookupPlan', () => {
  it('padding: batches hit about the target ratio, each account padding with its own fixed book', () => {
    const plan = lookupPlan({
      walk: candidates(),
      batchSize: 1000,
      padding: { known: knownNumbers(10_000, known), hitRatio: 0.6 },
      rng: seededRng(2),
    });
    const ratios: number[] = [];
    const books = new Map<number, string>();
    for (let i = 0; i < 40; i++) {
      const slot = i % 4;
      const job = plan.next(view(slot), ctxAt(0)) as Job;
      const numbers = job.numbers ?? [];
      ratios.push(numbers.filter(registered).length / numbers.length);
      // The book's length follows the measured hit rate; where it starts does not change.
      const book = numbers[job.fresh ?? 0] as string;
      if (books.has(slot)) assert.ok(books.get(slot) === book, 'the same book every time');
      books.set(slot, book);
      plan.answered(slot, job, answer(job), ctxAt(0));
    }
    const late = ratios.slice(10);
    const mean = late.reduce((a, b) => a + b, 0) / late.length;
    assert.ok(Math.abs(mean - 0.6) < 0.05, `mean hit ratio ${mean.toFixed(3)}`);
    assert.equal(new Set(books.values()).size, 4, 'accounts pad with different books');
  });

  it('asks again, after the time enumguard-deferred names, for the numbers a lookup did not find', () => {
    const walk = listWalk(['+15550000001', '+15550000002', '+15550000003']);
    const plan = lookupPlan({ walk, batchSize: 3, rng: seededRng(3) });
    const first = plan.next(view(0), ctxAt(0)) as Job;
    const withheld: AgentResponse = {
      status: 200,
      headers: { 'enumguard-deferred': '600' },
      body: { contacts: [{ number: '+15550000002', accountId: 'x' }] },
    };
    plan.answered(0, first, withheld, ctxAt(0));
    assert.deepEqual(plan.next(view(0, 1000), ctxAt(1000)), { waitUntil: 600_000 });
    const again = plan.next(view(0, 600_000), ctxAt(600_000)) as Job;
    assert.deepEqual(again.numbers, ['+15550000001', '+15550000003']);
  });

  it('moves lookups to the delta route while the full route is held back, and fetches what it reveals', () => {
    const plan = lookupPlan({
      walk: candidates(),
      batchSize: 100,
      lookupRoutes: ['discover', 'delta'],
      fetch: ['photo', 'profile'],
      rng: seededRng(4),
    });
    const held: SlotView = { slot: 0, now: 0, readyAt: (r) => (r === 'discover' ? 3_600_000 : 0) };
    const job = plan.next(held, ctxAt(0)) as Job;
    assert.equal(job.route, 'delta');
    plan.answered(0, job, answer(job), ctxAt(0));
    const fetch = plan.next(held, ctxAt(0)) as Job;
    assert.equal(fetch.route, 'photo');
    assert.match(fetch.path, /^\/v1\/accounts\/id%2B1555\d+\/photo$/);
  });

  it('halves its batch after a 413 and asks the same numbers again', () => {
    const plan = lookupPlan({ walk: candidates(), batchSize: 1000, rng: seededRng(5) });
    const job = plan.next(view(0), ctxAt(0)) as Job;
    plan.answered(0, job, { status: 413, headers: {}, body: undefined }, ctxAt(0));
    const next = plan.next(view(0), ctxAt(0)) as Job;
    assert.equal(next.numbers?.length, 500);
    assert.deepEqual(next.numbers, job.numbers?.slice(0, 500));
  });

  it('halves its batch when a detector refuses it, not when a quota does, and grows it back slowly', () => {
    const plan = lookupPlan({ walk: candidates(), batchSize: 1000, rng: seededRng(5) });
    const size = (): number => ((plan.next(view(0), ctxAt(0)) as Job).numbers ?? []).length;
    const answer = (status: number, code?: string): void =>
      plan.answered(
        0,
        plan.next(view(0), ctxAt(0)) as Job,
        { status, headers: {}, body: code ? { code } : undefined },
        ctxAt(0),
      );
    answer(429, 'quota-exceeded');
    assert.equal(size(), 1000);
    answer(403, 'blocked');
    assert.equal(size(), 500);
    answer(429, 'abnormal-usage-detected');
    assert.equal(size(), 250);
    for (let i = 0; i < 20; i++) answer(200);
    assert.equal(size(), 313);
  });
});
