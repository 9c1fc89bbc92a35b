import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../../../core/clock.ts';
import type { Agent, AgentRequest, AgentResponse } from '../../agent.ts';
import { runSimulation } from '../../runner.ts';
import { adaptiveController } from './controller.ts';
import { lookupPlan } from './lookup-plan.ts';
import { networksOf } from './networks.ts';
import { listWalk, type TargetWalk } from './target-walk.ts';
import { seededRng } from '../../../core/rng.ts';

const HOUR = 3_600_000;

/** Endless distinct candidates "+1000000000", "+1000000001", … */
function endlessWalk(): TargetWalk {
  let next = 0;
  return {
    take: (count) => Array.from({ length: count }, () => `+1${String(1_000_000_000 + next++)}`),
    done: () => false,
  };
}

interface FakeLog {
  registrations: string[];
  /** Per token: [virtual ms, numbers] of each lookup let through. */
  allowed: Map<string, [number, number][]>;
  refusals: number;
}

/**
 * A service behind a limit the attacker cannot see (no RateLimit fields): each session may look
 * up `perSecond` numbers a second with a burst of `burst` (a token bucket), and is refused with
 * Retry-After beyond. `refuseEvery`, when set, refuses every n-th lookup of a session instead.
 */
function fakeService(
  clock: { now(): number },
  o: { perSecond: number; burst: number; refuseEvery?: number },
) {
  const log: FakeLog = { registrations: [], allowed: new Map(), refusals: 0 };
  const buckets = new Map<string, { tokens: number; at: number; count: number }>();
  let tokenSeq = 0;
  const transport = (req: AgentRequest): AgentResponse => {
    if (req.path === '/v1/accounts') {
      log.registrations.push((req.body as { number: string }).number);
      return { status: 201, headers: {}, body: { accountId: 'a', token: `t${tokenSeq++}` } };
    }
    const token = (req.headers?.['authorization'] ?? '').slice(7);
    const numbers = (req.body as { numbers: string[] }).numbers;
    const b = buckets.get(token) ?? { tokens: o.burst, at: clock.now(), count: 0 };
    b.tokens = Math.min(o.burst, b.tokens + ((clock.now() - b.at) / 1000) * o.perSecond);
    b.at = clock.now();
    b.count++;
    buckets.set(token, b);
    const refuse = o.refuseEvery !== undefined ? b.count % o.refuseEvery === 0 : b.tokens < numbers.length;
    if (refuse) {
      log.refusals++;
      const wait = Math.max(1, Math.ceil((numbers.length - b.tokens) / o.perSecond));
      return { status: 429, headers: { 'retry-after': String(wait) }, body: undefined };
    }
    b.tokens -= numbers.length;
    const list = log.allowed.get(token) ?? [];
    list.push([clock.now(), numbers.length]);
    log.allowed.set(token, list);
    return { status: 200, headers: {}, body: { contacts: [] } };
  };
  return { transport, log };
}

async function run(
  agent: Agent,
  transport: (r: AgentRequest) => AgentResponse,
  clock: ReturnType<typeof manualClock>,
  durationMs: number,
) {
  await runSimulation({
    agents: [agent],
    transport,
    observer: { onExchange: () => undefined, onEvent: () => undefined },
    clock,
    seed: 1,
    durationMs,
  });
}

function controller(
  slots: number,
  recycle?: 'same-number' | 'fresh-number',
  walk: TargetWalk = endlessWalk(),
) {
  return adaptiveController({
    id: 'test',
    startAt: 0,
    slots,
    sims: slots * 2,
    simNumber: (s) => `+999${String(s).padStart(10, '0')}`,
    networks: networksOf({ kind: 'ipv4', count: slots }, 0),
    lookupPace: { start: 5, min: 0.001, max: 1000 },
    fetchPace: { start: 1, min: 0.001, max: 1 },
    retireAfterMs: 30 * 86_400_000,
    ...(recycle ? { recycle } : {}),
    plan: lookupPlan({ walk, batchSize: 100, rng: seededRng(3) }),
  });
}

describe('adaptiveController', () => {
  it('converges below a rate it cannot see: after the burst, each account stays near the hidden rate', async () => {
    const clock = manualClock(0);
    const hidden = 0.5; // numbers per second per session
    const { transport, log } = fakeService(clock, { perSecond: hidden, burst: 2000 });
    await run(controller(3), transport, clock, 48 * HOUR);
    assert.equal(log.allowed.size, 3);
    for (const lookups of log.allowed.values()) {
      // The second day: the burst is long spent, so only the pace the account learnt remains.
      const secondDay = lookups.filter(([at]) => at >= 24 * HOUR).reduce((sum, [, n]) => sum + n, 0);
      const rate = secondDay / (24 * 3600);
      assert.ok(
        rate <= hidden * 1.01,
        `an account looked up ${rate.toFixed(3)}/s, above the hidden ${hidden}/s`,
      );
      assert.ok(
        rate >= hidden * 0.5,
        `an account settled at ${rate.toFixed(3)}/s, far below the hidden ${hidden}/s`,
      );
    }
    // Refusals taught it the limit, and it stopped running into it.
    const requests = [...log.allowed.values()].reduce((sum, l) => sum + l.length, 0);
    assert.ok(log.refusals < requests * 0.3, `${log.refusals} refusals for ${requests} answered lookups`);
  });

  it('recycler: registers its number again after every refusal, and carries on with the new session', async () => {
    const clock = manualClock(0);
    const { transport, log } = fakeService(clock, { perSecond: 1e9, burst: 1e9, refuseEvery: 3 });
    await run(controller(1, 'same-number'), transport, clock, HOUR);
    assert.ok(log.refusals >= 3);
    assert.equal(log.registrations.length, log.refusals + 1);
    assert.ok(
      log.registrations.every((n) => n === log.registrations[0]),
      'always the same number',
    );
    assert.ok(log.allowed.size > 3, 'lookups went on under the fresh sessions');
  });

  it('recycler: with fresh numbers, each refusal brings the next SIM', async () => {
    const clock = manualClock(0);
    const { transport, log } = fakeService(clock, { perSecond: 1e9, burst: 1e9, refuseEvery: 2 });
    await run(controller(1, 'fresh-number'), transport, clock, HOUR);
    assert.ok(new Set(log.registrations).size === 2, `SIMs used: ${new Set(log.registrations).size}`);
    assert.ok(log.registrations.length > 2, 'cycling back once the SIMs ran out');
  });

  it('stops when its list is done', async () => {
    const clock = manualClock(0);
    const { transport, log } = fakeService(clock, { perSecond: 1e9, burst: 1e9 });
    await run(controller(2, undefined, listWalk(['+15550000001', '+15550000002'])), transport, clock, HOUR);
    const asked = [...log.allowed.values()].flat().reduce((sum, [, n]) => sum + n, 0);
    assert.equal(asked, 2);
  });
});
