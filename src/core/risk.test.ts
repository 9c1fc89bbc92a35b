import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isEnumguardError } from './errors.ts';
import type { RiskConfig } from './risk-config.ts';
import { blockDurationMs, decayScore, EMPTY_RISK_STATE, riskModel, type RiskState } from './risk.ts';

const H = 60_000; // a one-minute half-life keeps the numbers readable
const config: RiskConfig = {
  halfLifeMs: H,
  thresholds: { observe: 10, shrink: 20, challenge: 40, block: 80 },
  shrinkFactor: 0.25,
  block: { baseMs: 1_000, multiplier: 2, maxMs: 5_000, forgetAfterMs: 100_000 },
};
const risk = riskModel(config);
const at = (score: number, t = 0): RiskState => ({ score, at: t, blocks: 0, blockedUntil: 0 });
const close = (a: number, b: number) =>
  assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${a} ≉ ${b}`);

describe('riskModel: decaying score', () => {
  it('halves the score after one half-life and quarters it after two', () => {
    close(risk.scoreAt(at(100), H), 50);
    close(risk.scoreAt(at(100), 2 * H), 25);
  });

  it('keeps the score unchanged at the time it was recorded', () => {
    assert.equal(risk.scoreAt(at(42, 1_000), 1_000), 42);
  });

  it('adds a signal on top of the decayed score', () => {
    const s = risk.addSignal(at(100), 5, H);
    close(s.score, 55);
    assert.equal(s.at, H);
  });

  it('gives the same score whether decayed in two steps or one', () => {
    const twoSteps = risk.addSignal(risk.addSignal(at(100), 0, 25_000), 0, 90_000);
    close(twoSteps.score, risk.scoreAt(at(100), 90_000));
  });

  it('treats a clock that went backwards as no time passing, without NaN', () => {
    const s = at(30, 10_000);
    assert.equal(risk.scoreAt(s, 0), 30);
    const next = risk.addSignal(s, 5, 0);
    assert.equal(next.score, 35);
    assert.equal(next.at, 10_000, 'the state keeps its own time');
  });

  it('decays to exactly 0 over a huge gap, without NaN', () => {
    assert.equal(risk.scoreAt(at(1e300), 1e15), 0);
    assert.equal(decayScore(1e300, 0, Number.MAX_VALUE, H), 0);
  });

  it('never goes below 0 when a negative signal rewards good behaviour', () => {
    assert.equal(risk.addSignal(at(3), -10, 0).score, 0);
  });

  it('reads a state field that is not a finite number as 0', () => {
    const corrupt = { score: Number.NaN, at: Number.NaN, blocks: Number.NaN, blockedUntil: Number.NaN };
    assert.equal(risk.scoreAt(corrupt, 5), 0);
    assert.deepEqual(risk.addSignal(corrupt, 2, 5), { score: 2, at: 5, blocks: 0, blockedUntil: 0 });
  });

  it('refuses a non-finite weight or time with ERR_CONFIG, naming the argument', () => {
    assert.throws(
      () => risk.addSignal(EMPTY_RISK_STATE, Number.NaN, 0),
      (e: unknown) =>
        isEnumguardError(e, 'ERR_CONFIG') && /weight must be a finite number, got NaN/.test(e.message),
    );
    assert.throws(
      () => risk.addSignal(EMPTY_RISK_STATE, 1, Number.POSITIVE_INFINITY),
      (e: unknown) => isEnumguardError(e, 'ERR_CONFIG'),
    );
    assert.throws(
      () => risk.scoreAt(EMPTY_RISK_STATE, Number.NaN),
      (e: unknown) => isEnumguardError(e, 'ERR_CONFIG'),
    );
  });
});

describe('riskModel: graduated responses', () => {
  const levelAt = (score: number) => risk.respond(at(score), 0, false).wouldBe.level;

  it('maps each threshold to its response, inclusive of the threshold itself', () => {
    assert.equal(levelAt(0), 'none');
    assert.equal(levelAt(9.99), 'none');
    assert.equal(levelAt(10), 'observe');
    assert.equal(levelAt(20), 'shrink');
    assert.equal(levelAt(40), 'challenge');
  });

  it('leaves the quota whole at observe and multiplies it by the shrink factor from shrink upwards', () => {
    assert.equal(risk.respond(at(15), 0, false).enforced.quotaFactor, 1);
    assert.equal(risk.respond(at(25), 0, false).enforced.quotaFactor, 0.25);
    assert.equal(risk.respond(at(50), 0, false).enforced.quotaFactor, 0.25);
  });

  it('tells a challenged identity to retry once the score has decayed below the challenge threshold', () => {
    const r = risk.respond(at(160), 0, false).enforced;
    assert.equal(r.level, 'challenge');
    close(r.retryAfterMs ?? Number.NaN, 2 * H); // 160 → 40 takes two half-lives
    assert.equal(r.blockedUntil, undefined);
  });

  it('answers block with quota 0, the block end and the time left until it', () => {
    const blocked = risk.addSignal(EMPTY_RISK_STATE, 100, 0);
    assert.deepEqual(risk.respond(blocked, 400, false).enforced, {
      level: 'block',
      quotaFactor: 0,
      retryAfterMs: 600,
      blockedUntil: 1_000,
    });
  });

  it('does not block on a score alone: after a block ends a high score is challenged until a new signal', () => {
    const blocked = risk.addSignal(EMPTY_RISK_STATE, 1_000, 0);
    assert.equal(risk.respond(blocked, 1_000, false).enforced.level, 'challenge');
  });

  it('enforces at most observe in shadow mode and still reports what it would have done', () => {
    const blocked = risk.addSignal(EMPTY_RISK_STATE, 100, 0);
    const r = risk.respond(blocked, 0, true);
    assert.deepEqual(r.enforced, { level: 'observe', quotaFactor: 1 });
    assert.equal(r.wouldBe.level, 'block');
    assert.equal(risk.respond(at(25), 0, true).wouldBe.quotaFactor, 0.25);
    assert.deepEqual(risk.respond(at(1), 0, true).enforced, { level: 'none', quotaFactor: 1 });
  });

  it('starts and counts no block from the signals of a shadow rule, so enforcing later starts clean', () => {
    const shadowed = risk.addSignal(EMPTY_RISK_STATE, 100, 0, true);
    assert.equal(shadowed.blockedUntil, 0);
    assert.equal(shadowed.blocks, 0);
    const r = risk.respond(shadowed, 0, true);
    assert.deepEqual(r.enforced, { level: 'observe', quotaFactor: 1 });
    // What it would do: the first block, starting now.
    assert.equal(r.wouldBe.level, 'block');
    assert.equal(r.wouldBe.blockedUntil, config.block.baseMs);
    // Switched to enforce, the same state meets no block until a signal starts one.
    assert.equal(risk.respond(shadowed, 1, false).enforced.level, 'challenge');
  });

  it('skips a level left out of the thresholds', () => {
    const sparse = riskModel({ ...config, thresholds: { observe: 10, block: 80 } });
    assert.equal(sparse.respond(at(50), 0, false).enforced.level, 'observe');
    assert.equal(sparse.respond(sparse.addSignal(EMPTY_RISK_STATE, 90, 0), 0, false).enforced.level, 'block');
  });
});

describe('riskModel: escalating blocks', () => {
  it('doubles each block up to the cap: 1 s, 2 s, 4 s, then 5 s', () => {
    assert.deepEqual(
      [0, 1, 2, 3, 10, 10_000].map((n) => blockDurationMs(config.block, n)),
      [1_000, 2_000, 4_000, 5_000, 5_000, 5_000],
    );
  });

  it('starts a block when a signal reaches the block threshold', () => {
    assert.deepEqual(risk.addSignal(at(70, 500), 10, 500), {
      score: 80,
      at: 500,
      blocks: 1,
      blockedUntil: 1_500,
    });
  });

  it('does not extend or count a block when signals arrive during it', () => {
    const first = risk.addSignal(EMPTY_RISK_STATE, 100, 0);
    const during = risk.addSignal(first, 100, 500);
    assert.equal(during.blocks, 1);
    assert.equal(during.blockedUntil, 1_000);
  });

  it('escalates the next block when the identity offends again after one ends', () => {
    let s = risk.addSignal(EMPTY_RISK_STATE, 100, 0); // 1 s block
    s = risk.addSignal(s, 100, 1_000); // 2 s block
    assert.deepEqual([s.blocks, s.blockedUntil], [2, 3_000]);
    s = risk.addSignal(s, 100, 3_000); // 4 s block
    assert.deepEqual([s.blocks, s.blockedUntil], [3, 7_000]);
  });

  it('forgets past blocks after the quiet period, so a reformed identity starts over', () => {
    const s = risk.addSignal(risk.addSignal(EMPTY_RISK_STATE, 100, 0), 100, 1_000); // blocks 2, until 3 000
    assert.equal(risk.blocksAt(s, 3_000 + 99_999), 2);
    assert.equal(risk.blocksAt(s, 3_000 + 100_000), 0);
    const again = risk.addSignal(s, 1_000, 3_000 + 100_000);
    assert.deepEqual([again.blocks, again.blockedUntil - again.at], [1, 1_000]);
  });

  it('never escalates a block duration past an overflowing power', () => {
    const huge = { ...config.block, multiplier: 1e10, maxMs: 7_000 };
    assert.equal(blockDurationMs(huge, 1_000), 7_000);
  });
});

describe('riskModel: expiry', () => {
  it('lets a store drop a state once its block memory lapsed and its score is ten half-lives below the lowest threshold', () => {
    assert.equal(risk.expiresAt(at(10, 0)), 10 * H);
    assert.equal(risk.expiresAt(at(0.001, 500)), 500);
    assert.equal(risk.expiresAt({ score: 0, at: 0, blocks: 1, blockedUntil: 2_000 }), 102_000);
  });
});

describe('riskModel: configuration', () => {
  it('refuses an invalid config with ERR_CONFIG naming every problem', () => {
    assert.throws(
      () => riskModel({ ...config, halfLifeMs: 0, shrinkFactor: 2 }),
      (err: unknown) =>
        isEnumguardError(err, 'ERR_CONFIG') &&
        err.message ===
          'invalid risk config: halfLifeMs: must be a positive duration; shrinkFactor: must be greater than 0 and at most 1',
    );
  });
});
