import { EnumguardError } from './errors.ts';
import {
  checkRiskConfig,
  type RiskBlockConfig,
  type RiskConfig,
  type RiskLevel,
  type ThresholdLevel,
} from './risk-config.ts';

/**
 * The per-identity risk score and the graduated responses it maps to (issue 4, deliverable 5).
 *
 * Detectors (canary hit, low hit ratio, feeding a hot number range, many new targets) add
 * weighted signals; the score decays exponentially with a half-life; thresholds turn the
 * score into observe → shrink → challenge (429) → block (403, escalating).
 *
 * The state is four numbers, so the memory store can keep it in typed arrays and Redis in a
 * hash updated by a Lua script with the same arithmetic (pow, log, min, max, no branches on
 * anything but numbers):
 *
 *   score         the score as of `at`
 *   at            when `score` was last brought up to date (ms, the Clock's epoch)
 *   blocks        blocks imposed since the identity was last forgiven
 *   blockedUntil  end of the current or last block (0: never blocked)
 *
 * A field that is not a finite number reads as 0, so a store that loses a field degrades to
 * "no history", never to NaN.
 */
export interface RiskState {
  readonly score: number;
  readonly at: number;
  readonly blocks: number;
  readonly blockedUntil: number;
}

/** The state's fields in a fixed order, for stores that lay them out flat. */
export const RISK_STATE_FIELDS = ['score', 'at', 'blocks', 'blockedUntil'] as const;

/** An identity with no history. */
export const EMPTY_RISK_STATE: RiskState = Object.freeze({ score: 0, at: 0, blocks: 0, blockedUntil: 0 });

/** One response as data: what the request path applies. */
export interface RiskAction {
  readonly level: RiskLevel;
  /** Multiplies the identity's quotas: 1 up to `observe`, the shrink factor from `shrink`, 0 when blocked. */
  readonly quotaFactor: number;
  /**
   * `challenge`: until the score decays below the challenge threshold without new signals.
   * `block`: until the block ends. The gateway rounds up to whole seconds for Retry-After
   * (RFC 9110, section 10.2.3).
   */
  readonly retryAfterMs?: number;
  /** `block` only: when the block ends. */
  readonly blockedUntil?: number;
}

export interface RiskResponse {
  /** The score at the time asked. */
  readonly score: number;
  /** What to do: equal to `wouldBe`, except in shadow mode, where it is at most `observe`. */
  readonly enforced: RiskAction;
  /** What the rule would do if it enforced, so a shadow rule can log it. */
  readonly wouldBe: RiskAction;
}

const isFiniteNumber = (x: number): boolean => Number.isFinite(x);
const field = (x: number): number => (isFiniteNumber(x) ? x : 0);

function needTime(now: number): void {
  if (!isFiniteNumber(now)) {
    throw new EnumguardError(
      'ERR_CONFIG',
      `risk: now must be a finite number of ms (a Clock's now()), got ${now}`,
    );
  }
}

/**
 * `score` as of `at`, decayed to `now`: score × 2^(−(now − at) / halfLife). A clock that went
 * backwards (now < at) decays nothing; a huge gap decays to 0. Never negative, never NaN.
 */
export function decayScore(score: number, at: number, now: number, halfLifeMs: number): number {
  const s = field(score);
  if (!(s > 0)) return 0;
  const elapsed = Math.max(0, field(now) - field(at));
  return s * Math.pow(2, -elapsed / halfLifeMs);
}

/**
 * How long the next block lasts after `previousBlocks` earlier ones:
 * baseMs × multiplier^previousBlocks, capped at maxMs. With multiplier >= 1 it never shrinks
 * as blocks accumulate; an overflowing power lands on the cap, not on Infinity or NaN.
 */
export function blockDurationMs(block: RiskBlockConfig, previousBlocks: number): number {
  const n = Math.max(0, Math.floor(field(previousBlocks)));
  const ms = block.baseMs * Math.pow(block.multiplier, n);
  return isFiniteNumber(ms) ? Math.min(block.maxMs, ms) : block.maxMs;
}

/** The risk functions for one validated config. */
export interface RiskModel {
  readonly config: RiskConfig;
  /** The score at `now`. */
  scoreAt(state: RiskState, now: number): number;
  /**
   * Decays the state to `now` and adds `weight` (negative weights reward good behaviour;
   * the score stops at 0). Reaching the block threshold while not blocked starts a block,
   * escalated by the blocks not yet forgotten. A non-finite weight or time is a bug and throws.
   */
  /**
   * Decays to `now` and adds `weight`; may start a block. With `shadow` (a rule that only
   * logs) it never starts or counts a block: otherwise switching the rule to enforce would
   * meet identities already blocked, for escalated terms, by a rule that enforced nothing.
   */
  addSignal(state: RiskState, weight: number, now: number, shadow?: boolean): RiskState;
  /** The blocks still remembered at `now` (0 once `block.forgetAfterMs` passed since the last one ended). */
  blocksAt(state: RiskState, now: number): number;
  /** The response for the state at `now`. With `shadow`, the enforced level is at most `observe`. */
  respond(state: RiskState, now: number, shadow: boolean): RiskResponse;
  /**
   * When a store may drop the state as if it were empty: the block and its memory have
   * lapsed and the score has decayed below 1/1024 of the lowest threshold (ten half-lives
   * below it), too little to change any later response.
   */
  expiresAt(state: RiskState): number;
}

/** Responses ordered by severity below `block`, most severe first, for the score lookup. */
const SCORE_LEVELS: readonly Exclude<ThresholdLevel, 'block'>[] = ['challenge', 'shrink', 'observe'];

/** Builds the risk functions for `config`; throws ERR_CONFIG listing every problem. */
export function riskModel(config: RiskConfig): RiskModel {
  const problems = checkRiskConfig(config);
  if (problems.length > 0) {
    const list = problems.map((p) => `${p.path.join('.')}: ${p.message}`).join('; ');
    throw new EnumguardError('ERR_CONFIG', `invalid risk config: ${list}`);
  }
  const { halfLifeMs, thresholds, shrinkFactor, block } = config;
  const lowest = Math.min(
    ...[thresholds.observe, thresholds.shrink, thresholds.challenge, thresholds.block].filter(
      (t): t is number => t !== undefined,
    ),
  );

  // Time never runs backwards for a state: an instance whose clock lags the one that last
  // wrote the state sees the state's own time instead.
  const timeFor = (state: RiskState, now: number): number => Math.max(now, field(state.at));

  function scoreAt(state: RiskState, now: number): number {
    needTime(now);
    return decayScore(state.score, state.at, now, halfLifeMs);
  }

  function blocksAt(state: RiskState, now: number): number {
    const blocks = Math.max(0, Math.floor(field(state.blocks)));
    return blocks > 0 && now >= field(state.blockedUntil) + block.forgetAfterMs ? 0 : blocks;
  }

  function addSignal(state: RiskState, weight: number, now: number, shadow = false): RiskState {
    needTime(now);
    if (!isFiniteNumber(weight))
      throw new EnumguardError(
        'ERR_CONFIG',
        `risk: a signal's weight must be a finite number, got ${weight}`,
      );
    const t = timeFor(state, now);
    const score = Math.max(0, decayScore(state.score, state.at, t, halfLifeMs) + weight);
    let blocks = blocksAt(state, t);
    let blockedUntil = field(state.blockedUntil);
    // "Crossing while not already blocked": a signal during a block adds to the score but
    // does not stack another block; the first signal at or above the threshold after the
    // block ends starts the next, longer one.
    if (!shadow && thresholds.block !== undefined && score >= thresholds.block && t >= blockedUntil) {
      blockedUntil = t + blockDurationMs(block, blocks);
      blocks += 1;
    }
    return { score, at: t, blocks, blockedUntil };
  }

  function actionFor(level: RiskLevel, score: number, t: number, blockedUntil: number): RiskAction {
    switch (level) {
      case 'none':
      case 'observe':
        return { level, quotaFactor: 1 };
      case 'shrink':
        return { level, quotaFactor: shrinkFactor };
      case 'challenge': {
        // Time for score × 2^(−Δ/h) to fall to the threshold: Δ = h × log2(score / threshold).
        const at = thresholds.challenge ?? score;
        const ms = halfLifeMs * Math.log2(score / at);
        return { level, quotaFactor: shrinkFactor, retryAfterMs: Math.max(1, ms) };
      }
      case 'block':
        return { level, quotaFactor: 0, retryAfterMs: blockedUntil - t, blockedUntil };
    }
  }

  function respond(state: RiskState, now: number, shadow: boolean): RiskResponse {
    needTime(now);
    const t = timeFor(state, now);
    const score = decayScore(state.score, state.at, t, halfLifeMs);
    const blockedUntil = field(state.blockedUntil);
    let level: RiskLevel = 'none';
    let until = blockedUntil;
    if (t < blockedUntil) {
      level = 'block';
    } else if (shadow && thresholds.block !== undefined && score >= thresholds.block) {
      // A shadow rule's signals start no blocks; what it would do is the block the next
      // signal would start.
      level = 'block';
      until = t + blockDurationMs(block, blocksAt(state, t));
    } else {
      // Only addSignal starts blocks (it has to count them); a score still above the block
      // threshold after a block ended gets the next most severe response until it decays
      // or a new signal blocks again.
      for (const candidate of SCORE_LEVELS) {
        const at = thresholds[candidate];
        if (at !== undefined && score >= at) {
          level = candidate;
          break;
        }
      }
    }
    const wouldBe = actionFor(level, score, t, until);
    const enforced: RiskAction =
      shadow && level !== 'none' && level !== 'observe' ? { level: 'observe', quotaFactor: 1 } : wouldBe;
    return { score, enforced, wouldBe };
  }

  function expiresAt(state: RiskState): number {
    const at = field(state.at);
    const blockedUntil = field(state.blockedUntil);
    const blockLapses = field(state.blocks) > 0 ? blockedUntil + block.forgetAfterMs : blockedUntil;
    const score = field(state.score);
    const floor = lowest / 1024;
    // No thresholds at all (lowest = Infinity): the score can never matter.
    const scoreLapses = score > floor ? at + halfLifeMs * Math.log2(score / floor) : at;
    return Math.max(at, blockLapses, scoreLapses);
  }

  return { config, scoreAt, addSignal, blocksAt, respond, expiresAt };
}
