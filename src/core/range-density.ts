import { createBlockTable } from './block-table.ts';
import {
  resolveRangeDensityOptions,
  type RangeDensityConfig,
  type RangeDensityOptions,
} from './range-density-options.ts';

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
export interface BlockContributor {
  readonly identity: number;
  /** New distinct numbers this identity added to the block in the window (a lower bound). */
  readonly numbers: number;
}

export interface RangeDensityEvent {
  readonly kind: 'block-hot' | 'hot-block-fed';
  readonly block: number;
  readonly distinct: number;
  readonly window: { readonly start: number; readonly end: number };
  /** block-hot: the block's tracked contributors, most first; hot-block-fed: the caller. */
  readonly contributors: readonly BlockContributor[];
}

export interface RangeDensityStats {
  /** Valid numbers observed. */
  readonly observed: number;
  /** Values that are not non-negative safe integers, skipped. */
  readonly ignored: number;
  readonly evicted: number;
  readonly hotEvents: number;
  readonly fedEvents: number;
}

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

const HOT = 1;
const ANNOUNCE = 2;
const NO_EVENTS: readonly RangeDensityEvent[] = Object.freeze([]);

export function createRangeDensity(options: RangeDensityOptions): RangeDensity {
  const config = resolveRangeDensityOptions(options);
  const { blockSize, windowMs, hotDistinct, contributors: k } = config;
  const words = Math.ceil(blockSize / 32);

  let starts = new Float64Array(0);
  let distinct = new Uint32Array(0);
  let flags = new Uint8Array(0);
  let stamps = new Uint32Array(0);
  let ids = new Uint32Array(0);
  let counts = new Uint32Array(0);
  let errors = new Uint32Array(0);
  let reported = new Uint8Array(0);
  let bits = new Int32Array(0);

  function grow(cap: number): void {
    const widen = <T extends Float64Array | Uint32Array | Uint8Array | Int32Array>(a: T, b: T): T => {
      b.set(a);
      return b;
    };
    starts = widen(starts, new Float64Array(cap));
    distinct = widen(distinct, new Uint32Array(cap));
    flags = widen(flags, new Uint8Array(cap));
    stamps = widen(stamps, new Uint32Array(cap));
    ids = widen(ids, new Uint32Array(cap * k));
    counts = widen(counts, new Uint32Array(cap * k));
    errors = widen(errors, new Uint32Array(cap * k));
    reported = widen(reported, new Uint8Array(cap * k));
    bits = widen(bits, new Int32Array(cap * words));
  }

  const table = createBlockTable(config.maxBlocks, config.seed, grow);
  grow(table.capacity());

  let call = 0;
  let observed = 0;
  let ignored = 0;
  let hotEvents = 0;
  let fedEvents = 0;
  /** (slot, block) pairs that may owe an event at the end of this call; reused. */
  const pending: number[] = [];

  function startWindow(s: number, now: number): void {
    starts[s] = now;
    distinct[s] = 0;
    flags[s] = 0;
    stamps[s] = 0;
    counts.fill(0, s * k, s * k + k);
    bits.fill(0, s * words, s * words + words);
  }

  /** The block's slot, its window current at `now`. */
  function slotFor(block: number, now: number): number {
    const s = table.acquire(block);
    if (table.fresh() || now >= (starts[s] as number) + windowMs) startWindow(s, now);
    return s;
  }

  /** Space-saving: credit one new number to `identity` in block `s`; returns its cell. */
  function credit(s: number, identity: number): number {
    const base = s * k;
    let min = 0;
    let minAt = 0;
    for (let j = 0; j < k; j++) {
      const c = counts[base + j] as number;
      // Cells fill in order and empty only all together, so the first empty one means the
      // identity is not tracked yet.
      if (c === 0) {
        ids[base + j] = identity;
        counts[base + j] = 1;
        errors[base + j] = 0;
        reported[base + j] = 0;
        return j;
      }
      if ((ids[base + j] as number) === identity) {
        counts[base + j] = c + 1;
        return j;
      }
      if (j === 0 || c < min) {
        min = c;
        minAt = j;
      }
    }
    ids[base + minAt] = identity;
    counts[base + minAt] = min + 1;
    errors[base + minAt] = min;
    reported[base + minAt] = 0;
    return minAt;
  }

  function contributorsOf(s: number): BlockContributor[] {
    const base = s * k;
    const out: BlockContributor[] = [];
    for (let j = 0; j < k && (counts[base + j] as number) > 0; j++) {
      reported[base + j] = 1;
      out.push({
        identity: ids[base + j] as number,
        numbers: (counts[base + j] as number) - (errors[base + j] as number),
      });
    }
    return out.sort((a, b) => b.numbers - a.numbers || a.identity - b.identity);
  }

  function eventsOf(identity: number): readonly RangeDensityEvent[] {
    const events: RangeDensityEvent[] = [];
    for (let p = 0; p < pending.length; p += 2) {
      const s = pending[p] as number;
      const block = pending[p + 1] as number;
      // The slot may have been evicted and reused by this very call (a call touching more
      // than maxBlocks blocks); a reused slot has a different key or a cleared stamp.
      if (table.keyOf(s) !== block || stamps[s] !== call) continue;
      const start = starts[s] as number;
      const window = { start, end: start + windowMs };
      if (((flags[s] as number) & ANNOUNCE) !== 0) {
        flags[s] = HOT;
        hotEvents++;
        const list = contributorsOf(s);
        events.push({
          kind: 'block-hot',
          block,
          distinct: distinct[s] as number,
          window,
          contributors: list,
        });
        continue;
      }
      const base = s * k;
      for (let j = 0; j < k; j++) {
        if ((counts[base + j] as number) > 0 && ids[base + j] === identity) {
          if (reported[base + j] === 0) {
            reported[base + j] = 1;
            fedEvents++;
            const numbers = (counts[base + j] as number) - (errors[base + j] as number);
            const contributors = [{ identity, numbers }];
            events.push({
              kind: 'hot-block-fed',
              block,
              distinct: distinct[s] as number,
              window,
              contributors,
            });
          }
          break;
        }
      }
    }
    pending.length = 0;
    return events.length === 0 ? NO_EVENTS : events;
  }

  function observe(
    identityIn: number,
    numbers: ArrayLike<number>,
    now: number,
  ): readonly RangeDensityEvent[] {
    const identity = identityIn >>> 0;
    // Stamps mark the blocks already queued for events in this call; 0 means none.
    call = call === 0xffffffff ? 1 : call + 1;
    pending.length = 0;
    let lastBlock = -1;
    let s = -1;
    let cell = -1;
    const n = numbers.length;
    let valid = 0;
    for (let i = 0; i < n; i++) {
      const number = numbers[i] as number;
      if (!(number >= 0 && number <= Number.MAX_SAFE_INTEGER && Math.floor(number) === number)) {
        ignored++;
        continue;
      }
      valid++;
      const block = Math.floor(number / blockSize);
      const offset = number - block * blockSize;
      if (block !== lastBlock) {
        s = slotFor(block, now);
        lastBlock = block;
        cell = -1;
      }
      const w = s * words + (offset >>> 5);
      const bit = 1 << (offset & 31);
      const word = bits[w] as number;
      if ((word & bit) !== 0) continue;
      bits[w] = word | bit;
      const d = (distinct[s] as number) + 1;
      distinct[s] = d;
      // Within one call only this identity credits, so its cell cannot move under us.
      if (cell >= 0) counts[s * k + cell] = (counts[s * k + cell] as number) + 1;
      else cell = credit(s, identity);
      const f = flags[s] as number;
      if ((f & HOT) === 0 && d >= hotDistinct) flags[s] = HOT | ANNOUNCE;
      else if ((f & HOT) === 0) continue;
      if (stamps[s] !== call) {
        stamps[s] = call;
        pending.push(s, block);
      }
    }
    observed += valid;
    return pending.length === 0 ? NO_EVENTS : eventsOf(identity);
  }

  function current(block: number, now: number): number {
    const s = table.find(block);
    if (s < 0 || now >= (starts[s] as number) + windowMs) return -1;
    return s;
  }

  return {
    config,
    observe,
    distinct(block, now) {
      const s = current(block, now);
      return s < 0 ? 0 : (distinct[s] as number);
    },
    isHot(block, now) {
      const s = current(block, now);
      return s >= 0 && ((flags[s] as number) & HOT) !== 0;
    },
    blockOf: (number) => Math.floor(number / blockSize),
    size: () => table.size(),
    memoryBytes: () =>
      table.bytes() +
      starts.byteLength +
      distinct.byteLength +
      flags.byteLength +
      stamps.byteLength +
      ids.byteLength +
      counts.byteLength +
      errors.byteLength +
      reported.byteLength +
      bits.byteLength,
    stats: () => ({ observed, ignored, evicted: table.evicted(), hotEvents, fedEvents }),
  };
}
