import metadata from 'libphonenumber-js/metadata.max.json';
import { internalError } from '../../core/internal-error.ts';
import { blockIntervals, type KeyInterval } from './pattern-ranges.ts';

/**
 * Valid mobile blocks of a country, read from libphonenumber's full ("max") metadata.
 *
 * The compressed metadata is positional (libphonenumber-js, metadata.js): a country is
 * [callingCode, idd, nationalNumberPattern, possibleLengths, ..., types at 11], and types are
 * [fixedLine, mobile, ...], each [pattern, possibleLengths?]. An empty mobile pattern means
 * "same as fixed line" (the US and Canada), which libphonenumber reports as
 * FIXED_LINE_OR_MOBILE.
 */
export interface MobilePlan {
  readonly country: string;
  readonly callingCode: string;
  /** Sorted, disjoint intervals of block keys (E.164 number without its last 4 digits). */
  readonly intervals: readonly KeyInterval[];
  /** How many whole valid blocks the plan has. */
  readonly blockCount: number;
}

type TypeEntry = readonly [string, (readonly number[])?] | 0 | undefined;

/**
 * The countries are enumguard's own (DEFAULT_COUNTRIES), so a plan missing from the metadata
 * is ERR_INTERNAL: the list and the libphonenumber-js release disagree.
 */
export function mobilePlan(country: string): MobilePlan {
  const plan = (metadata.countries as Record<string, readonly unknown[] | undefined>)[country];
  if (!plan) throw internalError(`libphonenumber has no numbering plan for "${country}"`);
  const callingCode = plan[0] as string;
  const generalLengths = plan[3] as readonly number[];
  const types = plan[11] as readonly TypeEntry[] | undefined;
  const fixed = types?.[0];
  const mobile = types?.[1];
  if (!mobile) throw internalError(`libphonenumber has no mobile ranges for "${country}"`);
  const source = mobile[0] === '' ? fixed : mobile;
  if (!source || !source[0]) throw internalError(`libphonenumber has no mobile pattern for "${country}"`);
  const lengths = source[1] ?? generalLengths;
  const intervals = blockIntervals(source[0], callingCode, lengths);
  let blockCount = 0;
  for (const iv of intervals) blockCount += iv.hi - iv.lo + 1;
  if (blockCount === 0)
    throw internalError(`libphonenumber's mobile plan for "${country}" has no whole block`);
  return { country, callingCode, intervals, blockCount };
}

/** The key of the `index`-th valid block, counting through the sorted intervals. */
export function blockKeyAt(plan: MobilePlan, cumulative: Float64Array, index: number): number {
  let lo = 0;
  let hi = plan.intervals.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cumulative[mid + 1] ?? Infinity) <= index) lo = mid + 1;
    else hi = mid;
  }
  const iv = plan.intervals[lo];
  if (!iv) throw internalError(`mobile block ${index} of "${plan.country}" is out of range`);
  return iv.lo + (index - (cumulative[lo] ?? 0));
}

/** cumulative[i] = blocks in intervals before i. */
export function cumulativeBlocks(plan: MobilePlan): Float64Array {
  const out = new Float64Array(plan.intervals.length + 1);
  for (let i = 0; i < plan.intervals.length; i++) {
    const iv = plan.intervals[i];
    if (iv) out[i + 1] = (out[i] ?? 0) + (iv.hi - iv.lo + 1);
  }
  return out;
}
