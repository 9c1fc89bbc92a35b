/**
 * The least a held response may be held to (the bound is the larger of this and the policy's
 * bodyLimit). A response plan settles only once the response's records are counted, i.e.
 * after its last byte, so a transport must hold the filtered response until then instead of
 * streaming it. The egress caps (maxRecords, maxBytes) bound the records part; this bounds the
 * rest, which the filter passes through uncapped.
 */
export const HELD_RESPONSE_MIN_BYTES = 8 * 1024 * 1024;

/** How many bytes of a response a transport holds at most, given the policy's bodyLimit. */
export function heldResponseLimit(bodyLimitBytes: number): number {
  return Math.max(bodyLimitBytes, HELD_RESPONSE_MIN_BYTES);
}
