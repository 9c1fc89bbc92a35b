import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { riskLevelRank, THRESHOLD_LEVELS, type RiskConfig, type ThresholdLevel } from './risk-config.ts';
import { blockDurationMs, EMPTY_RISK_STATE, riskModel, type RiskState } from './risk.ts';

/**
 * A number spread evenly over [min, max]. fc.double favours the ends of its range and
 * subnormals, which would leave most scores below or above every threshold.
 */
const uniform = (min: number, max: number) =>
  fc.integer({ min: 0, max: 1_000_000 }).map((i) => min + ((max - min) * i) / 1_000_000);

/** Valid configs: positive, strictly ascending thresholds, any subset of the levels present. */
const configArb: fc.Arbitrary<RiskConfig> = fc
  .record({
    halfLifeMs: fc.integer({ min: 1, max: 10_000_000 }),
    steps: fc.array(uniform(0.01, 1_000), { minLength: 4, maxLength: 4 }),
    present: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    shrinkFactor: fc.oneof(uniform(1e-6, 1), fc.constant(1)),
    baseMs: fc.integer({ min: 1, max: 1_000_000 }),
    multiplier: fc.oneof(uniform(1, 10), fc.constant(1)),
    capFactor: fc.oneof(uniform(1, 1_000), fc.constant(1)),
    forgetAfterMs: fc.integer({ min: 0, max: 10_000_000 }),
  })
  .map((r) => {
    const thresholds: Partial<Record<ThresholdLevel, number>> = {};
    let sum = 0;
    THRESHOLD_LEVELS.forEach((level, i) => {
      sum += r.steps[i] ?? 1;
      if (r.present[i]) thresholds[level] = sum;
    });
    return {
      halfLifeMs: r.halfLifeMs,
      thresholds,
      shrinkFactor: r.shrinkFactor,
      block: {
        baseMs: r.baseMs,
        multiplier: r.multiplier,
        maxMs: r.baseMs * r.capFactor,
        forgetAfterMs: r.forgetAfterMs,
      },
    };
  });

// Scores mostly in the thresholds' range (they sum to at most 4 000), sometimes far above it.
const scoreArb = fc.oneof(
  { arbitrary: uniform(0, 5_000), weight: 4 },
  { arbitrary: fc.double({ min: 0, max: 1e12, noNaN: true }), weight: 1 },
);
const timeArb = fc.integer({ min: 0, max: 2 ** 45 }); // epoch ms well past the year 3000
/** A gap in half-lives: up to 40 keeps a decayed score well away from 0 and from subnormals. */
const halfLivesArb = uniform(0, 40);
const gap = (config: RiskConfig, halfLives: number): number => Math.round(config.halfLifeMs * halfLives);

/** Signals with gaps, some of them sending the clock backwards (skew between instances). */
const signalsArb = fc.array(
  fc.record({
    dt: fc.integer({ min: -5_000, max: 5_000_000 }),
    weight: uniform(-50, 2_000),
  }),
  { minLength: 1, maxLength: 80 },
);

/** Relative tolerance, with an absolute floor far below anything a threshold could notice. */
const closeTo = (a: number, b: number, scale: number): boolean =>
  Math.abs(a - b) <= 1e-9 * Math.abs(b) + 1e-15 * scale;

describe('risk score (property)', () => {
  it('never grows without signals: decay is monotone non-increasing in time', () => {
    fc.assert(
      fc.property(configArb, scoreArb, timeArb, halfLivesArb, halfLivesArb, (config, score, at, h1, h2) => {
        const risk = riskModel(config);
        const [g1, g2] = [gap(config, h1), gap(config, h2)];
        const s: RiskState = { score, at, blocks: 0, blockedUntil: 0 };
        const early = risk.scoreAt(s, at + g1);
        const late = risk.scoreAt(s, at + g1 + g2);
        assert.ok(late <= early && late >= 0 && early <= score, `${score} → ${early} → ${late}`);
      }),
    );
  });

  it('decays the same in two steps as in one', () => {
    fc.assert(
      fc.property(configArb, scoreArb, timeArb, halfLivesArb, halfLivesArb, (config, score, at, h1, h2) => {
        const risk = riskModel(config);
        const [g1, g2] = [gap(config, h1), gap(config, h2)];
        const s: RiskState = { score, at, blocks: 0, blockedUntil: 0 };
        const twoSteps = risk.scoreAt(risk.addSignal(s, 0, at + g1), at + g1 + g2);
        const oneStep = risk.scoreAt(s, at + g1 + g2);
        assert.ok(closeTo(twoSteps, oneStep, score), `${twoSteps} vs ${oneStep}`);
      }),
    );
  });

  it('keeps every state field finite, the score non-negative and its time moving forward, whatever the signals and clock do', () => {
    fc.assert(
      fc.property(configArb, timeArb, signalsArb, (config, start, signals) => {
        const risk = riskModel(config);
        let s = EMPTY_RISK_STATE;
        let now = start;
        for (const { dt, weight } of signals) {
          now += dt;
          const before = s.at;
          s = risk.addSignal(s, weight, now);
          assert.ok(s.at >= before, `time went back from ${before} to ${s.at}`);
          assert.ok([s.score, s.at, s.blocks, s.blockedUntil].every(Number.isFinite), JSON.stringify(s));
          assert.ok(s.score >= 0 && s.blocks >= 0);
          const r = risk.respond(s, now, false);
          assert.ok(Number.isFinite(r.score) && r.score >= 0);
          if (r.enforced.retryAfterMs !== undefined) assert.ok(r.enforced.retryAfterMs > 0);
        }
      }),
    );
  });
});

describe('risk responses (property)', () => {
  it('never gives a higher score a milder response, enforced or in shadow', () => {
    fc.assert(
      fc.property(
        configArb,
        uniform(0, 1.25),
        uniform(0, 1.25),
        timeArb,
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: -1e6, max: 1e6 }),
        fc.boolean(),
        (config, u, v, now, blocks, blockOffset, shadow) => {
          const risk = riskModel(config);
          // Scores spread over the thresholds' own range, so every pair of bands gets compared.
          const top = Math.max(1, ...Object.values(config.thresholds));
          const [low, high] = u <= v ? [u * top, v * top] : [v * top, u * top];
          const base = { at: now, blocks, blockedUntil: blockOffset > 0 ? now + blockOffset : 0 };
          const rl = risk.respond({ ...base, score: low }, now, shadow);
          const rh = risk.respond({ ...base, score: high }, now, shadow);
          for (const key of ['enforced', 'wouldBe'] as const) {
            const [l, h] = [rl[key], rh[key]];
            assert.ok(
              riskLevelRank(h.level) >= riskLevelRank(l.level),
              `${low} → ${l.level}, ${high} → ${h.level}`,
            );
            assert.ok(
              h.quotaFactor <= l.quotaFactor,
              `${low} → ${l.quotaFactor}, ${high} → ${h.quotaFactor}`,
            );
          }
          assert.ok(riskLevelRank(rh.enforced.level) <= riskLevelRank(shadow ? 'observe' : 'block'));
        },
      ),
      { numRuns: 1_000 },
    );
  });
});

describe('escalating blocks (property)', () => {
  it('keeps every block duration between the base and the cap, never shrinking as blocks accumulate', () => {
    fc.assert(
      fc.property(configArb, fc.integer({ min: 0, max: 2_000 }), (config, n) => {
        const d = blockDurationMs(config.block, n);
        const next = blockDurationMs(config.block, n + 1);
        assert.ok(d >= config.block.baseMs && d <= config.block.maxMs, `${n}: ${d}`);
        assert.ok(next >= d, `${n}: ${d} then ${next}`);
      }),
    );
  });

  it('over any run, starts each block from the base after forgiveness and otherwise never shortens it', () => {
    fc.assert(
      fc.property(configArb, timeArb, signalsArb, (config, start, signals) => {
        const risk = riskModel(config);
        let s = EMPTY_RISK_STATE;
        let now = start;
        let lastDuration = 0;
        for (const { dt, weight } of signals) {
          now += dt;
          const next = risk.addSignal(s, weight, now);
          if (next.blockedUntil !== s.blockedUntil) {
            // The duration is read back from absolute times, so it carries their rounding
            // (about 2e-4 ms at today's epoch): compare within that.
            const duration = next.blockedUntil - next.at;
            const ulp = 4 * Number.EPSILON * next.blockedUntil;
            assert.ok(duration <= config.block.maxMs + ulp, `${duration} > cap ${config.block.maxMs}`);
            if (next.blocks === 1)
              assert.ok(Math.abs(duration - config.block.baseMs) <= ulp, `first block ${duration}`);
            else {
              const forgiven = next.at >= s.blockedUntil + config.block.forgetAfterMs;
              assert.ok(!forgiven, `block ${next.blocks} after a quiet period should start over`);
              assert.equal(next.blocks, s.blocks + 1, 'a block counts once');
              assert.ok(
                duration >= lastDuration - ulp,
                `block ${next.blocks}: ${duration} < ${lastDuration}`,
              );
            }
            lastDuration = duration;
          } else {
            assert.ok(
              next.blocks === s.blocks || next.blocks === 0,
              'blocks change only by a block or forgiveness',
            );
          }
          s = next;
        }
      }),
    );
  });
});
