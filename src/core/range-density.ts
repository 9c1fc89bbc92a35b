import { createBlockTable, type BlockTable } from './block-table.ts';
import {
  resolveRangeDensityOptions,
  type RangeDensityConfig,
  type RangeDensityOptions,
} from './range-density-options.ts';
import { eventsOf, NO_EVENTS, type RangeDensityEvent } from './range-density-events.ts';
import {
  ANNOUNCE,
  createDensityState,
  densityStateBytes,
  growDensityState,
  HOT,
  startWindow,
  type DensityState,
} from './range-density-state.ts';
import { credit } from './block-contributors.ts';

export type { BlockContributor } from './block-contributors.ts';
export type { RangeDensityEvent } from './range-density-events.ts';

export interface RangeDensityStats {
  /** Valid numbers observed. */
  readonly observed: number;
  /** Values that are not non-negative safe integers, skipped. */
  readonly ignored: number;
  readonly evicted: number;
  readonly hotEvents: number;
  readonly fedEvents: number;
}

/**
 * The range-density detector: how densely number blocks are being covered, over all callers
 * together. A scan spread over a thousand accounts stays under every per-identity limit, but
 * it walks or samples blocks of consecutive numbers, while real address books are scattered
 * over the whole numbering plan. So per block and window we count the DISTINCT numbers queried
 * by anyone, and the identities that fed them.
 *
 * - Block: floor(number / 10^blockDigits), by floor division: `%` on values past 2^31 is a
 *   slow fmod in V8, and floor(n / d) is exact for integers n < 2^53. E.164 numbers never
 *   start with 0, so blocks of numbers of different lengths never share a key.
 * - Window: tumbling, anchored at the block's first number (not at a global clock boundary),
 *   so blocks reset at scattered times rather than all at once. A block that receives at least
 *   2 × hotDistinct distinct numbers within any windowMs span turns hot: the span overlaps at
 *   most two windows, and one of them holds half. A clock that steps back keeps the window.
 * - Distinct: exact, one bit per number of the block (10,000 bits = 1,250 bytes by default).
 *   Exact counts cannot be inflated by hash collisions into false alarms on legit traffic and
 *   make re-queries free by construction; see ARCHITECTURE.md for the memory budget.
 * - Contributors: the top-k identities by NEW numbers they added to the block in the window,
 *   kept by space-saving (Metwally et al. 2005) in k fixed cells. Any identity that added more
 *   than 1/k of the block's numbers is among them. A reported count is the lower bound
 *   (count − error), so a cell inherited from an evicted identity does not inflate a newcomer.
 * - Events, as data: `block-hot` once per block per window, when the distinct count reaches
 *   hotDistinct, with its contributors; then `hot-block-fed` once per (block, identity, window)
 *   for an identity that adds new numbers to a block already hot (again if it drops out of the
 *   k cells and comes back). Re-queried numbers attribute nothing. A block still being scanned
 *   in its next window is announced again: that is the caller's heartbeat.
 * - Memory: at most maxBlocks blocks; past it the least recently touched is forgotten.
 */
export interface RangeDensity {
  readonly config: RangeDensityConfig;
  /**
   * Counts `numbers` (E.164 digits as doubles, e.g. 14155550123) queried by `identity` (an
   * opaque 32-bit id: fingerprint identity strings before) at `now`. Returns the events this
   * call caused; the same frozen empty array when none, so the common case allocates nothing.
   */
  observe(identity: number, numbers: ArrayLike<number>, now: number): readonly RangeDensityEvent[];
  /** Distinct numbers of `block` in its window at `now` (0 when untracked or expired). */
  distinct(block: number, now: number): number;
  isHot(block: number, now: number): boolean;
  blockOf(number: number): number;
  /** Blocks held. */
  size(): number;
  /** Bytes of all typed arrays held, which is all of the detector's state. */
  memoryBytes(): number;
  stats(): RangeDensityStats;
}

export function createRangeDensity(options: RangeDensityOptions): RangeDensity {
  const config = resolveRangeDensityOptions(options);
  const st = createDensityState(config.contributors, Math.ceil(config.blockSize / 32));
  const table = createBlockTable(config.maxBlocks, config.seed, (cap) => growDensityState(st, cap));
  growDensityState(st, table.capacity());
  const { blockSize, windowMs } = config;

  /** The block's slot in its window current at `now`, or -1 when untracked or expired. */
  function current(block: number, now: number): number {
    const s = table.find(block);
    if (s < 0 || now >= (st.starts[s] as number) + windowMs) return -1;
    return s;
  }

  return {
    config,
    observe: (identity, numbers, now) => observe(st, table, config, identity, numbers, now),
    distinct(block, now) {
      const s = current(block, now);
      return s < 0 ? 0 : (st.distinct[s] as number);
    },
    isHot(block, now) {
      const s = current(block, now);
      return s >= 0 && ((st.flags[s] as number) & HOT) !== 0;
    },
    blockOf: (number) => Math.floor(number / blockSize),
    size: () => table.size(),
    memoryBytes: () => table.bytes() + densityStateBytes(st),
    stats: () => ({
      observed: st.observed,
      ignored: st.ignored,
      evicted: table.evicted(),
      hotEvents: st.hotEvents,
      fedEvents: st.fedEvents,
    }),
  };
}

/** RangeDensity.observe: counts the numbers into their blocks, then reports the events owed. */
function observe(
  st: DensityState,
  table: BlockTable,
  config: RangeDensityConfig,
  identityIn: number,
  numbers: ArrayLike<number>,
  now: number,
): readonly RangeDensityEvent[] {
  const { blockSize, windowMs, hotDistinct, contributors: k } = config;
  const { words, pending } = st;
  const identity = identityIn >>> 0;
  // Stamps mark the blocks already queued for events in this call; 0 means none.
  const call = st.call === 0xffffffff ? 1 : st.call + 1;
  st.call = call;
  pending.length = 0;
  let lastBlock = -1;
  let s = -1;
  let cell = -1;
  const n = numbers.length;
  let valid = 0;
  for (let i = 0; i < n; i++) {
    const number = numbers[i] as number;
    if (!(number >= 0 && number <= Number.MAX_SAFE_INTEGER && Math.floor(number) === number)) {
      st.ignored++;
      continue;
    }
    valid++;
    const block = Math.floor(number / blockSize);
    const offset = number - block * blockSize;
    if (block !== lastBlock) {
      s = slotFor(st, table, windowMs, block, now);
      lastBlock = block;
      cell = -1;
    }
    const w = s * words + (offset >>> 5);
    const bit = 1 << (offset & 31);
    const word = st.bits[w] as number;
    if ((word & bit) !== 0) continue;
    st.bits[w] = word | bit;
    const d = (st.distinct[s] as number) + 1;
    st.distinct[s] = d;
    // Within one call only this identity credits, so its cell cannot move under us.
    if (cell >= 0) st.counts[s * k + cell] = (st.counts[s * k + cell] as number) + 1;
    else cell = credit(st, s, identity);
    const f = st.flags[s] as number;
    if ((f & HOT) === 0 && d >= hotDistinct) st.flags[s] = HOT | ANNOUNCE;
    else if ((f & HOT) === 0) continue;
    if (st.stamps[s] !== call) {
      st.stamps[s] = call;
      pending.push(s, block);
    }
  }
  st.observed += valid;
  return pending.length === 0 ? NO_EVENTS : eventsOf(st, table, windowMs, identity);
}

/** The block's slot, its window current at `now`. */
function slotFor(st: DensityState, table: BlockTable, windowMs: number, block: number, now: number): number {
  const s = table.acquire(block);
  if (table.fresh() || now >= (st.starts[s] as number) + windowMs) startWindow(st, s, now);
  return s;
}
