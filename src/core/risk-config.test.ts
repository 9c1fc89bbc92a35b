import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkRiskConfig, riskLevelRank, RISK_LEVELS, type RiskConfig } from './risk-config.ts';

const valid: RiskConfig = {
  halfLifeMs: 3_600_000,
  thresholds: { observe: 10, shrink: 20, challenge: 40, block: 80 },
  shrinkFactor: 0.25,
  block: { baseMs: 60_000, multiplier: 2, maxMs: 86_400_000, forgetAfterMs: 604_800_000 },
};

const problemsOf = (patch: Partial<RiskConfig>) => checkRiskConfig({ ...valid, ...patch });
const blockProblems = (patch: Partial<RiskConfig['block']>) =>
  checkRiskConfig({ ...valid, block: { ...valid.block, ...patch } });

describe('checkRiskConfig', () => {
  it('finds no problem in a valid config', () => {
    assert.deepEqual(checkRiskConfig(valid), []);
  });

  it('accepts a config that leaves some levels out', () => {
    assert.deepEqual(problemsOf({ thresholds: { observe: 5, block: 50 } }), []);
    assert.deepEqual(problemsOf({ thresholds: {} }), []);
  });

  it('rejects a zero, negative or NaN half-life', () => {
    for (const halfLifeMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.deepEqual(problemsOf({ halfLifeMs }), [
        { path: ['halfLifeMs'], message: 'must be a positive duration' },
      ]);
    }
  });

  it('rejects a shrink factor outside (0, 1] and accepts exactly 1', () => {
    for (const shrinkFactor of [0, -0.5, 1.01, Number.NaN]) {
      assert.deepEqual(problemsOf({ shrinkFactor }), [
        { path: ['shrinkFactor'], message: 'must be greater than 0 and at most 1' },
      ]);
    }
    assert.deepEqual(problemsOf({ shrinkFactor: 1 }), []);
  });

  it('rejects thresholds that are not ascending in severity order, naming the one out of order', () => {
    assert.deepEqual(problemsOf({ thresholds: { observe: 10, shrink: 10, challenge: 40, block: 30 } }), [
      { path: ['thresholds', 'shrink'], message: 'must be greater than thresholds.observe (10), got 10' },
      { path: ['thresholds', 'block'], message: 'must be greater than thresholds.challenge (40), got 30' },
    ]);
  });

  it('compares a threshold with the nearest milder one given, skipping levels left out', () => {
    assert.deepEqual(problemsOf({ thresholds: { observe: 50, block: 20 } }), [
      { path: ['thresholds', 'block'], message: 'must be greater than thresholds.observe (50), got 20' },
    ]);
  });

  it('rejects zero, negative and non-finite thresholds', () => {
    assert.deepEqual(problemsOf({ thresholds: { observe: 0, shrink: -3, challenge: Number.NaN } }), [
      { path: ['thresholds', 'observe'], message: 'must be a positive number' },
      { path: ['thresholds', 'shrink'], message: 'must be a positive number' },
      { path: ['thresholds', 'challenge'], message: 'must be a positive number' },
    ]);
  });

  it('rejects a multiplier below 1 and accepts exactly 1 (blocks that do not escalate)', () => {
    assert.deepEqual(blockProblems({ multiplier: 0.5 }), [
      { path: ['block', 'multiplier'], message: 'must be a number >= 1' },
    ]);
    assert.deepEqual(blockProblems({ multiplier: 1 }), []);
  });

  it('rejects a maximum below the base and accepts one equal to it', () => {
    assert.deepEqual(blockProblems({ baseMs: 10_000, maxMs: 5_000 }), [
      { path: ['block', 'maxMs'], message: 'must be at least block.baseMs (10000), got 5000' },
    ]);
    assert.deepEqual(blockProblems({ baseMs: 10_000, maxMs: 10_000 }), []);
  });

  it('rejects a non-positive base and a negative forget period, and reports every problem at once', () => {
    assert.deepEqual(blockProblems({ baseMs: 0, forgetAfterMs: -1 }), [
      { path: ['block', 'baseMs'], message: 'must be a positive duration' },
      { path: ['block', 'forgetAfterMs'], message: 'must be a duration >= 0' },
    ]);
  });
});

describe('riskLevelRank', () => {
  it('ranks the levels from none (mildest) to block (most severe)', () => {
    assert.deepEqual(
      RISK_LEVELS.map((l) => riskLevelRank(l)),
      [0, 1, 2, 3, 4],
    );
    assert.ok(riskLevelRank('block') > riskLevelRank('challenge'));
  });
});
