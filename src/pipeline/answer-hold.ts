/**
 * What every transport that holds an answer for its plan shares: the gateway, the adapters
 * and the pipeline's value path.
 */

/**
 * The least a filtered answer may be held to (the bound is the larger of this and the policy's
 * bodyLimit). A plan's verdict can only be given once the answer's records are counted, i.e.
 * after its last byte, so a transport must hold the filtered answer until then instead of
 * streaming it. The egress caps (maxRecords, maxBytes) bound the records part; this bounds the
 * rest, which the filter passes through uncapped.
 */
export const HELD_ANSWER_MIN_BYTES = 8 * 1024 * 1024;

/** How many bytes of answer a transport holds at most, given the policy's bodyLimit. */
export function heldAnswerLimit(bodyLimitBytes: number): number {
  return Math.max(bodyLimitBytes, HELD_ANSWER_MIN_BYTES);
}

/** application/json or any structured +json type (RFC 6839 section 3.1), parameters ignored. */
export function isJson(contentType: string | string[] | undefined): boolean {
  const value = joined(contentType);
  if (value === undefined) return false;
  const semi = value.indexOf(';');
  const type = (semi === -1 ? value : value.slice(0, semi)).trim().toLowerCase();
  return type === 'application/json' || (type.includes('/') && type.endsWith('+json'));
}

function joined(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
