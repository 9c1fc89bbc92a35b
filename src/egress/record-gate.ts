/**
 * A per-answer decision on each record, beside the egress filter's caps: the pipeline's
 * mutual-first reveals (src/pipeline/reveal/) pass a record whose number holds the caller's,
 * and the others while the caller's reveal budget lasts. Called once per record, in order.
 */
export interface RecordGate {
  /** The record member holding the value `admit` decides on, e.g. "number". */
  readonly member: string;
  /** Whether the record may pass; `value` is the member's value (undefined when absent). */
  admit(value: unknown): boolean;
}

/** The gate's member of a parsed record, or undefined when the record is not an object. */
export function gatedValue(record: unknown, member: string): unknown {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return undefined;
  return Object.hasOwn(record, member) ? (record as Record<string, unknown>)[member] : undefined;
}
