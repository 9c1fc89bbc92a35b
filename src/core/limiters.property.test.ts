import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { STEPS } from './algorithms.ts';
import { ALGORITHMS, newStepResult, type AlgorithmName, type LimitSpec } from './limit.ts';

/**
 * For any spec and any sequence of (clock step, cost), in every window [t, t+d] of the run
 * the units allowed stay within rate × d + B, where B is the algorithm's burst allowance:
 *   gcra            burst
 *   sliding-window  limit
 *   fixed-window    2 × limit: a full quota at the end of one window and another at the
 *                   start of the next can meet in an instant.
 */
const allowance = (spec: LimitSpec): number =>
  spec.algorithm === 'gcra' ? spec.burst : spec.algorithm === 'sliding-window' ? spec.limit : 2 * spec.limit;

const specArb = (algorithm: AlgorithmName) =>
  fc
    .record({
      limit: fc.integer({ min: 1, max: 50 }),
      windowMs: fc.integer({ min: 1, max: 10_000 }),
      burstFactor: fc.double({ min: 0.1, max: 3, noNaN: true }),
    })
    .map(({ limit, windowMs, burstFactor }): LimitSpec => ({
      id: 'p',
      algorithm,
      limit,
      windowMs,
      burst: Math.max(1, Math.round(limit * burstFactor)),
    }));

const opsArb = fc.array(
  fc.record({ dt: fc.integer({ min: 0, max: 5_000 }), cost: fc.integer({ min: 0, max: 8 }) }),
  { minLength: 1, maxLength: 120 },
);

interface Event {
  t: number;
  cost: number;
  allowed: boolean;
  retryAfterMs: number;
  remaining: number;
  state: [boolean, number, number, number];
}

function run(spec: LimitSpec, ops: { dt: number; cost: number }[], start: number): Event[] {
  const step = STEPS[spec.algorithm];
  const out = newStepResult();
  let fresh = true;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let now = start;
  const events: Event[] = [];
  for (const op of ops) {
    now += op.dt;
    const before: Event['state'] = [fresh, s0, s1, s2];
    step(spec, fresh, s0, s1, s2, op.cost, now, out);
    events.push({
      t: now,
      cost: op.cost,
      allowed: out.allowed,
      retryAfterMs: out.retryAfterMs,
      remaining: out.remaining,
      state: before,
    });
    if (out.allowed) {
      fresh = false;
      s0 = out.s0;
      s1 = out.s1;
      s2 = out.s2;
    }
  }
  return events;
}

for (const algorithm of ALGORITHMS) {
  describe(`${algorithm} (property)`, () => {
    it('never allows more than rate × elapsed + burst in any window', () => {
      fc.assert(
        fc.property(specArb(algorithm), opsArb, fc.integer({ min: 0, max: 1e9 }), (spec, ops, start) => {
          const events = run(spec, ops, start);
          const rate = spec.limit / spec.windowMs;
          const bound = allowance(spec);
          for (let i = 0; i < events.length; i++) {
            let sum = 0;
            for (let j = i; j < events.length; j++) {
              const e = events[j] as Event;
              if (e.allowed) sum += e.cost;
              const d = e.t - (events[i] as Event).t;
              assert.ok(
                sum <= rate * d + bound + 1e-6,
                `${sum} units in ${d} ms; at most ${rate * d + bound} allowed`,
              );
            }
          }
        }),
        { numRuns: 300 },
      );
    });

    it('reports a remaining that is never negative', () => {
      fc.assert(
        fc.property(specArb(algorithm), opsArb, (spec, ops) => {
          for (const e of run(spec, ops, 0)) assert.ok(e.remaining >= 0 && Number.isFinite(e.remaining));
        }),
        { numRuns: 200 },
      );
    });

    it('tells the truth in retryAfterMs: the same cost fits then, if nothing else happened', () => {
      fc.assert(
        fc.property(specArb(algorithm), opsArb, (spec, ops) => {
          const step = STEPS[spec.algorithm];
          const out = newStepResult();
          for (const e of run(spec, ops, 0)) {
            if (e.allowed || e.cost > Math.min(spec.burst, spec.limit)) continue;
            const [fresh, s0, s1, s2] = e.state;
            step(spec, fresh, s0, s1, s2, e.cost, e.t + e.retryAfterMs, out);
            assert.ok(out.allowed, `denied at ${e.t}, told to retry in ${e.retryAfterMs} ms, denied again`);
          }
        }),
        { numRuns: 200 },
      );
    });
  });
}
