import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../core/clock.ts';
import { isEnumguardError } from '../core/errors.ts';
import type { Agent, AgentEvent, AgentRequest, AgentResponse } from './agent.ts';
import { runSimulation, type Observer } from './runner.ts';
import { withDeadline } from '../../test/helpers/wait-for.ts';

/** An agent that asks once a second and records when answers arrive. */
function pinger(id: string, log: string[]): Agent {
  return {
    id,
    role: 'legit',
    start(ctx) {
      ctx.wakeAt(1000);
    },
    onWake(_tag, ctx) {
      ctx.send({ method: 'GET', path: `/ping/${id}`, clientIp: '192.0.2.1' }, ctx.now());
    },
    onResponse(res, tag, ctx) {
      log.push(`${id} sent@${tag} got ${res.status}@${ctx.now()} r=${ctx.rng.int(100)}`);
      ctx.wakeAt(ctx.now() + 1000);
    },
  };
}

const quietObserver = (seen: { request: AgentRequest; at: number }[] = []): Observer => ({
  onExchange: (_a, request, _r: AgentResponse, at) => seen.push({ request, at }),
  onEvent: (_a, _e: AgentEvent) => undefined,
});

describe('runSimulation', () => {
  it('runs agents on virtual time, setting the shared clock before each request', async () => {
    const log: string[] = [];
    const clock = manualClock(1_000_000);
    const clockAtRequest: number[] = [];
    const seen: { request: AgentRequest; at: number }[] = [];
    const result = await runSimulation({
      agents: [pinger('a', log), pinger('b', log)],
      transport: () => {
        clockAtRequest.push(clock.now());
        return { status: 200, headers: {}, body: undefined };
      },
      observer: quietObserver(seen),
      clock,
      seed: 1,
      durationMs: 3500,
      latencyMs: 50,
    });
    assert.deepEqual(
      seen.map((s) => `${s.request.path}@${s.at}`),
      ['/ping/a@1000', '/ping/b@1000', '/ping/a@2050', '/ping/b@2050', '/ping/a@3100', '/ping/b@3100'],
    );
    assert.deepEqual(clockAtRequest, [1_001_000, 1_001_000, 1_002_050, 1_002_050, 1_003_100, 1_003_100]);
    assert.match(log[0] ?? '', /^a sent@1000 got 200@1050/);
    assert.equal(result.requests, 6);
    assert.equal(result.stoppedEarly, false);
  });

  it('gives the same run for the same seed, and a different one for another seed', async () => {
    const once = async (seed: number) => {
      const log: string[] = [];
      await runSimulation({
        agents: [pinger('a', log)],
        transport: () => ({ status: 204, headers: {}, body: undefined }),
        observer: quietObserver(),
        clock: manualClock(0),
        seed,
        durationMs: 10_000,
      });
      return log.join('\n');
    };
    assert.equal(await once(7), await once(7));
    assert.notEqual(await once(7), await once(8));
  });

  it('stops early when asked and says so', async () => {
    let polls = 0;
    const result = await runSimulation({
      agents: [pinger('a', [])],
      transport: () => Promise.resolve({ status: 200, headers: {}, body: undefined }),
      observer: quietObserver(),
      clock: manualClock(0),
      seed: 1,
      durationMs: 1e9,
      shouldStop: () => ++polls > 20,
    });
    assert.equal(result.stoppedEarly, true);
    assert.ok(result.requests < 20);
  });

  it('stops a real-time run while it waits for a far-off event', async () => {
    const clock = manualClock(0);
    const log: string[] = [];
    let started = false;
    const sleeper: Agent = {
      id: 'sleeper',
      role: 'legit',
      start(ctx) {
        started = true;
        ctx.wakeAt(60_000); // a minute away in real time
      },
      onWake() {
        log.push('woke');
      },
      onResponse() {},
    };
    // Stop is asked for from the third check after the start on: checks the run makes while it
    // sleeps toward the wake-up. A run that did not check while sleeping would miss the deadline.
    let checksSinceStart = 0;
    const result = await withDeadline(
      'the real-time run to stop while it sleeps toward an event a minute away',
      runSimulation({
        agents: [sleeper],
        transport: () => ({ status: 200, headers: {}, body: undefined }),
        observer: quietObserver(),
        clock,
        seed: 1,
        durationMs: 120_000,
        realTime: true,
        shouldStop: () => started && ++checksSinceStart > 2,
      }),
    );
    assert.equal(result.stoppedEarly, true);
    assert.deepEqual(log, []);
    assert.ok(checksSinceStart >= 3, `stop was checked ${checksSinceStart} times after the start`);
  });

  it('refuses a wake-up time that is not a number, naming the agent (ERR_SCENARIO_INVALID)', async () => {
    const lost: Agent = {
      id: 'my-module-agent-0',
      role: 'attacker',
      start(ctx) {
        ctx.wakeAt(Number.NaN);
      },
      onResponse() {},
    };
    await assert.rejects(
      runSimulation({
        agents: [lost],
        transport: () => ({ status: 200, headers: {}, body: undefined }),
        observer: quietObserver(),
        clock: manualClock(0),
        seed: 1,
        durationMs: 1000,
      }),
      (e: unknown) =>
        isEnumguardError(e, 'ERR_SCENARIO_INVALID') &&
        e.message ===
          'agent my-module-agent-0: wakeAt() needs a finite time in virtual ms since the start, got NaN',
    );
  });

  it('lasts its whole duration in real time when nothing more is scheduled within it', async () => {
    // The agent's next event lies past the end, as a legit install an hour away does in a
    // 30 s --http run: the run must still take the 30 s, not end after the first event.
    const late: Agent = {
      id: 'late',
      role: 'legit',
      start(ctx) {
        ctx.wakeAt(3_600_000);
      },
      onWake() {},
      onResponse() {},
    };
    const began = performance.now();
    const result = await runSimulation({
      agents: [late],
      transport: () => ({ status: 200, headers: {}, body: undefined }),
      observer: quietObserver(),
      clock: manualClock(0),
      seed: 1,
      durationMs: 300,
      realTime: true,
    });
    assert.equal(result.stoppedEarly, false);
    assert.equal(result.virtualMs, 300);
    assert.ok(performance.now() - began >= 299, `ended after ${performance.now() - began} ms of 300`);
  });

  it('ends on virtual time when nothing more is scheduled within the duration', async () => {
    const result = await runSimulation({
      agents: [],
      transport: () => ({ status: 200, headers: {}, body: undefined }),
      observer: quietObserver(),
      clock: manualClock(0),
      seed: 1,
      durationMs: 86_400_000,
    });
    assert.deepEqual([result.virtualMs, result.stoppedEarly], [0, false]);
  });
});
