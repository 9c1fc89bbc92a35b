/**
 * Sybil resistance: a new identity's quota starts at `from` of the limit and grows linearly
 * to the whole limit over `overMs` of age. Stores apply it by dividing a check's cost by the
 * factor, which needs no change to the limit's stored state: a young identity's request
 * simply costs more, and costs less as it ages.
 */
export function rampFactor(ramp: { readonly from: number; readonly overMs: number }, ageMs: number): number {
  if (!(ageMs > 0)) return ramp.from;
  if (ageMs >= ramp.overMs) return 1;
  return ramp.from + ((1 - ramp.from) * ageMs) / ramp.overMs;
}

/**
 * The cost a check is charged under a quota factor (risk shrink × ramp), in whole units, so
 * `remaining` stays an integer. A factor of 1 leaves the cost as it is; 0 cost stays 0.
 */
export function scaledCost(cost: number, factor: number): number {
  if (factor >= 1 || cost === 0) return cost;
  return Math.ceil(cost / Math.max(factor, 1e-9));
}
