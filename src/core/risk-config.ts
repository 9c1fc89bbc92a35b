/**
 * The risk score's configuration and its checks. The policy layer parses durations and
 * numbers from YAML, then calls `checkRiskConfig` and turns each problem's `path` into a
 * located message (DESIGN.md, convention 3); the core only says what is wrong and where.
 */

/**
 * Responses in order of severity. `none` is "below every threshold"; the other four are
 * the graduated responses a threshold can name (issue 4, deliverable 5).
 */
export const RISK_LEVELS = ['none', 'observe', 'shrink', 'challenge', 'block'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];
/** The levels a threshold can name, mildest first. */
export const THRESHOLD_LEVELS = ['observe', 'shrink', 'challenge', 'block'] as const;
export type ThresholdLevel = (typeof THRESHOLD_LEVELS)[number];

/** A level's rank: a larger rank is a more severe response. */
export function riskLevelRank(level: RiskLevel): number {
  return RISK_LEVELS.indexOf(level);
}

export interface RiskBlockConfig {
  /** The first block's duration. */
  readonly baseMs: number;
  /** Each further block lasts `multiplier` times the previous one (>= 1). */
  readonly multiplier: number;
  /** No block lasts longer than this. */
  readonly maxMs: number;
  /**
   * After this long without being blocked (counted from the end of the last block), past
   * blocks are forgotten and the next block starts again from `baseMs`: a reformed
   * identity is not punished forever for an old incident.
   */
  readonly forgetAfterMs: number;
}

export interface RiskConfig {
  /** The score halves every `halfLifeMs` without signals. */
  readonly halfLifeMs: number;
  /**
   * The score at which each response starts. A level left out never fires on its own; the
   * ones given must be positive and strictly ascending in severity order.
   */
  readonly thresholds: Readonly<Partial<Record<ThresholdLevel, number>>>;
  /** The quota multiplier from `shrink` upwards, in (0, 1]. */
  readonly shrinkFactor: number;
  readonly block: RiskBlockConfig;
}

/** One thing wrong with a config, at a path inside it (e.g. ["thresholds", "block"]). */
export interface RiskConfigProblem {
  readonly path: readonly string[];
  readonly message: string;
}

const isFiniteNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** Every problem with `config`; an empty list means the config is usable. */
export function checkRiskConfig(config: RiskConfig): RiskConfigProblem[] {
  const problems: RiskConfigProblem[] = [];
  const need = (ok: boolean, path: string[], message: string): void => {
    if (!ok) problems.push({ path, message });
  };

  need(
    isFiniteNumber(config.halfLifeMs) && config.halfLifeMs > 0,
    ['halfLifeMs'],
    'must be a positive duration',
  );
  need(
    isFiniteNumber(config.shrinkFactor) && config.shrinkFactor > 0 && config.shrinkFactor <= 1,
    ['shrinkFactor'],
    'must be greater than 0 and at most 1',
  );

  // Ascending in severity order, so a higher score can never earn a milder response.
  let previous: { level: ThresholdLevel; at: number } | undefined;
  for (const level of THRESHOLD_LEVELS) {
    const at = config.thresholds[level];
    if (at === undefined) continue;
    if (!isFiniteNumber(at) || at <= 0) {
      problems.push({ path: ['thresholds', level], message: 'must be a positive number' });
      continue;
    }
    if (previous !== undefined && at <= previous.at) {
      problems.push({
        path: ['thresholds', level],
        message: `must be greater than thresholds.${previous.level} (${previous.at}), got ${at}`,
      });
    }
    previous = { level, at };
  }

  const { block } = config;
  const baseOk = isFiniteNumber(block.baseMs) && block.baseMs > 0;
  need(baseOk, ['block', 'baseMs'], 'must be a positive duration');
  need(
    isFiniteNumber(block.multiplier) && block.multiplier >= 1,
    ['block', 'multiplier'],
    'must be a number >= 1',
  );
  const maxOk = isFiniteNumber(block.maxMs) && block.maxMs > 0;
  need(maxOk, ['block', 'maxMs'], 'must be a positive duration');
  if (baseOk && maxOk && block.maxMs < block.baseMs) {
    problems.push({
      path: ['block', 'maxMs'],
      message: `must be at least block.baseMs (${block.baseMs}), got ${block.maxMs}`,
    });
  }
  need(
    isFiniteNumber(block.forgetAfterMs) && block.forgetAfterMs >= 0,
    ['block', 'forgetAfterMs'],
    'must be a duration >= 0',
  );
  return problems;
}
