/**
 * The range-density detector's whole state (range-density.ts), column by column: flat typed
 * arrays indexed by the block table's slots, so a block costs no object and a number no
 * allocation. Per slot: its window's start, distinct count, flags and event stamp; per slot
 * × k: the space-saving contributor cells; per slot × words: the block's bitmap.
 */
export interface DensityState {
  /** Contributor cells per block. */
  readonly k: number;
  /** 32-bit words of one block's bitmap. */
  readonly words: number;
  starts: Float64Array;
  distinct: Uint32Array;
  flags: Uint8Array;
  stamps: Uint32Array;
  ids: Uint32Array;
  counts: Uint32Array;
  errors: Uint32Array;
  reported: Uint8Array;
  bits: Int32Array;
  /** The current observe call's stamp (never 0, which means "none"). */
  call: number;
  observed: number;
  ignored: number;
  hotEvents: number;
  fedEvents: number;
  /** (slot, block) pairs that may owe an event at the end of this call; reused. */
  readonly pending: number[];
}

/** flags: the block turned hot in its current window. */
export const HOT = 1;
/** flags: the block turned hot in this call and its block-hot event is owed. */
export const ANNOUNCE = 2;

export function createDensityState(k: number, words: number): DensityState {
  return {
    k,
    words,
    starts: new Float64Array(0),
    distinct: new Uint32Array(0),
    flags: new Uint8Array(0),
    stamps: new Uint32Array(0),
    ids: new Uint32Array(0),
    counts: new Uint32Array(0),
    errors: new Uint32Array(0),
    reported: new Uint8Array(0),
    bits: new Int32Array(0),
    call: 0,
    observed: 0,
    ignored: 0,
    hotEvents: 0,
    fedEvents: 0,
    pending: [],
  };
}

/** Widens every column to `cap` slots, keeping what they hold (the block table grew). */
export function growDensityState(st: DensityState, cap: number): void {
  const { k, words } = st;
  st.starts = widen(st.starts, new Float64Array(cap));
  st.distinct = widen(st.distinct, new Uint32Array(cap));
  st.flags = widen(st.flags, new Uint8Array(cap));
  st.stamps = widen(st.stamps, new Uint32Array(cap));
  st.ids = widen(st.ids, new Uint32Array(cap * k));
  st.counts = widen(st.counts, new Uint32Array(cap * k));
  st.errors = widen(st.errors, new Uint32Array(cap * k));
  st.reported = widen(st.reported, new Uint8Array(cap * k));
  st.bits = widen(st.bits, new Int32Array(cap * words));
}

function widen<T extends Float64Array | Uint32Array | Uint8Array | Int32Array>(a: T, b: T): T {
  b.set(a);
  return b;
}

/** Starts slot `s`'s window at `now`: no numbers, no flags, no contributors. */
export function startWindow(st: DensityState, s: number, now: number): void {
  const { k, words } = st;
  st.starts[s] = now;
  st.distinct[s] = 0;
  st.flags[s] = 0;
  st.stamps[s] = 0;
  st.counts.fill(0, s * k, s * k + k);
  st.bits.fill(0, s * words, s * words + words);
}

/** Bytes of every column. */
export function densityStateBytes(st: DensityState): number {
  return (
    st.starts.byteLength +
    st.distinct.byteLength +
    st.flags.byteLength +
    st.stamps.byteLength +
    st.ids.byteLength +
    st.counts.byteLength +
    st.errors.byteLength +
    st.reported.byteLength +
    st.bits.byteLength
  );
}
