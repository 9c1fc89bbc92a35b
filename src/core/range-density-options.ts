import { EnumguardError } from './errors.ts';

/**
 * Options of the range-density detector (range-density.ts). Every field has a default, so
 * `createRangeDensity({ seed })` alone is the tuned detector.
 */
export interface RangeDensityOptions {
  /**
   * A block is a number without its last `blockDigits` digits. The default 4 makes blocks of
   * 10,000 numbers: a NANP exchange (+1 415 555 xxxx), the unit operators hand out and
   * scanners walk. 1 to 6; each block keeps 10^blockDigits bits, so 6 costs 125 KB a block.
   */
  readonly blockDigits?: number;
  /** Length of a block's counting window, from the block's first number in it. Default 60 s. */
  readonly windowMs?: number;
  /**
   * Share of a block that, queried within one window, makes it hot. Default 0.05: 500 of
   * 10,000 numbers in a minute. Real address books are scattered over the whole plan, so a
   * block sees only (legit lookups per window) / (blocks in the plan) of them.
   */
  readonly hotShare?: number;
  /** Most blocks held at once; past it the least recently touched block is forgotten. */
  readonly maxBlocks?: number;
  /** Contributors tracked per block (space-saving top-k). Default 8, at most 64. */
  readonly contributors?: number;
  /**
   * Seed of the block hash: required, and taken from a secret or random source outside the
   * core (which has no randomness of its own). With a known seed a caller could pick blocks
   * that collide in the index and make every lookup walk a long cluster.
   */
  readonly seed: number;
}

export interface RangeDensityConfig {
  readonly blockDigits: number;
  readonly blockSize: number;
  readonly windowMs: number;
  readonly hotShare: number;
  /** Distinct numbers in one window at which a block turns hot: ceil(hotShare × blockSize). */
  readonly hotDistinct: number;
  readonly maxBlocks: number;
  readonly contributors: number;
  readonly seed: number;
}

export const RANGE_DENSITY_DEFAULTS = {
  blockDigits: 4,
  windowMs: 60_000,
  hotShare: 0.05,
  maxBlocks: 16_384,
  contributors: 8,
} as const;

/** Above this a block index would not fit the 2 × maxBlocks Int32 index comfortably. */
const MAX_BLOCKS_LIMIT = 1 << 24;

function fail(field: string, expected: string, got: unknown): never {
  throw new EnumguardError('ERR_CONFIG', `range density: ${field} must be ${expected}, got ${String(got)}`);
}

function integerIn(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(field, `an integer from ${min} to ${max}`, value);
  }
  return value;
}

/** Validates the options once, at construction: the hot path trusts the result. */
export function resolveRangeDensityOptions(options: RangeDensityOptions): RangeDensityConfig {
  const blockDigits = integerIn(
    'blockDigits',
    options.blockDigits ?? RANGE_DENSITY_DEFAULTS.blockDigits,
    1,
    6,
  );
  const windowMs = options.windowMs ?? RANGE_DENSITY_DEFAULTS.windowMs;
  if (!Number.isFinite(windowMs) || windowMs <= 0) fail('windowMs', 'a positive number', windowMs);
  const hotShare = options.hotShare ?? RANGE_DENSITY_DEFAULTS.hotShare;
  if (!(hotShare > 0 && hotShare <= 1)) fail('hotShare', 'a share in (0, 1]', hotShare);
  const maxBlocks = integerIn(
    'maxBlocks',
    options.maxBlocks ?? RANGE_DENSITY_DEFAULTS.maxBlocks,
    1,
    MAX_BLOCKS_LIMIT,
  );
  const contributors = integerIn(
    'contributors',
    options.contributors ?? RANGE_DENSITY_DEFAULTS.contributors,
    1,
    64,
  );
  const seed = options.seed;
  if (!Number.isInteger(seed)) fail('seed', 'an integer (from a secret or random source)', seed);
  const blockSize = 10 ** blockDigits;
  return {
    blockDigits,
    blockSize,
    windowMs,
    hotShare,
    hotDistinct: Math.max(1, Math.ceil(hotShare * blockSize - 1e-9)),
    maxBlocks,
    contributors,
    seed: seed | 0,
  };
}
