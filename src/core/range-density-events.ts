import type { BlockTable } from './block-table.ts';
import { contributorsOf, unreportedContribution, type BlockContributor } from './block-contributors.ts';
import { ANNOUNCE, HOT, type DensityState } from './range-density-state.ts';

export interface RangeDensityEvent {
  readonly kind: 'block-hot' | 'hot-block-fed';
  readonly block: number;
  readonly distinct: number;
  readonly window: { readonly start: number; readonly end: number };
  /** block-hot: the block's tracked contributors, most first; hot-block-fed: the caller. */
  readonly contributors: readonly BlockContributor[];
}

export const NO_EVENTS: readonly RangeDensityEvent[] = Object.freeze([]);

/**
 * The events the observe call just made owes: `block-hot` for each block it turned hot, and
 * `hot-block-fed` for each hot block `identity` fed and was not yet reported for. Empties
 * the pending list.
 */
export function eventsOf(
  st: DensityState,
  table: BlockTable,
  windowMs: number,
  identity: number,
): readonly RangeDensityEvent[] {
  const { pending } = st;
  const events: RangeDensityEvent[] = [];
  for (let p = 0; p < pending.length; p += 2) {
    const s = pending[p] as number;
    const block = pending[p + 1] as number;
    // The slot may have been evicted and reused by this very call (a call touching more
    // than maxBlocks blocks); a reused slot has a different key or a cleared stamp.
    if (table.keyOf(s) !== block || st.stamps[s] !== st.call) continue;
    const start = st.starts[s] as number;
    const window = { start, end: start + windowMs };
    const distinct = st.distinct[s] as number;
    if (((st.flags[s] as number) & ANNOUNCE) !== 0) {
      st.flags[s] = HOT;
      st.hotEvents++;
      events.push({ kind: 'block-hot', block, distinct, window, contributors: contributorsOf(st, s) });
      continue;
    }
    const fed = unreportedContribution(st, s, identity);
    if (fed === undefined) continue;
    st.fedEvents++;
    events.push({ kind: 'hot-block-fed', block, distinct, window, contributors: [fed] });
  }
  pending.length = 0;
  return events.length === 0 ? NO_EVENTS : events;
}
