import { internalError } from '../core/internal-error.ts';
import { parseJsonPointer, pointerTokens } from '../policy/json-pointer.ts';

export interface EgressConfig {
  /** RFC 6901 pointer to the array of records in the answer, e.g. "/contacts". */
  readonly records: string;
  /** Top-level member names removed from every record, e.g. ["photo", "about"]. */
  readonly strip?: readonly string[] | undefined;
  /** Records passed per response; the rest are dropped (and counted). Default: no cap. */
  readonly maxRecords?: number | undefined;
  /** Bytes of passed records, commas between them included, per response. Default: no cap. */
  readonly maxBytes?: number | undefined;
  /** A single record larger than this is an error: the filter buffers one record at most. */
  readonly maxRecordBytes?: number | undefined;
  /** Containers nested deeper than this are an error. */
  readonly maxDepth?: number | undefined;
}

export interface ResolvedEgressConfig {
  readonly tokens: readonly string[];
  readonly strip: ReadonlySet<string>;
  readonly maxRecords: number;
  readonly maxBytes: number;
  readonly maxRecordBytes: number;
  readonly maxDepth: number;
}

export const EGRESS_DEFAULTS = { maxRecordBytes: 1 << 20, maxDepth: 256 } as const;

function count(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min) {
    throw internalError(`egress ${name}: expected an integer >= ${min}, got ${value}`);
  }
  return value;
}

/**
 * Checks an egress configuration once. It comes from a policy that compilePolicy validated, so
 * every fault here is ERR_INTERNAL: the two checks disagree.
 */
export function resolveEgressConfig(config: EgressConfig): ResolvedEgressConfig {
  const pointer = parseJsonPointer(config.records);
  if (!pointer.ok) throw internalError(`egress records: ${pointer.error}`);
  const strip = config.strip ?? [];
  if (!Array.isArray(strip) || strip.some((s) => typeof s !== 'string')) {
    throw internalError('egress strip: expected a list of member names');
  }
  return {
    tokens: pointerTokens(pointer.value),
    strip: new Set(strip),
    maxRecords: count('maxRecords', config.maxRecords, Number.MAX_SAFE_INTEGER, 0),
    maxBytes: count('maxBytes', config.maxBytes, Number.MAX_SAFE_INTEGER, 0),
    maxRecordBytes: count('maxRecordBytes', config.maxRecordBytes, EGRESS_DEFAULTS.maxRecordBytes, 1),
    maxDepth: count('maxDepth', config.maxDepth, EGRESS_DEFAULTS.maxDepth, 1),
  };
}
