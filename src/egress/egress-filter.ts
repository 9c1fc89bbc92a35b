import { EnumguardError } from '../core/errors.ts';
import { internalError } from '../core/internal-error.ts';
import { createCapture } from './capture.ts';
import { resolveEgressConfig, type EgressConfig } from './config.ts';
import { createJsonScanner } from './json-scanner.ts';
import { decodeName, keepMembers, nameMatcher } from './members.ts';
import { gatedValue, type RecordGate } from './record-gate.ts';

/** The gate's member of one record's bytes (a record is at most maxRecordBytes). */
function gatedMember(bytes: Uint8Array, member: string): unknown {
  try {
    return gatedValue(
      JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')),
      member,
    );
  } catch {
    return undefined;
  }
}

/** What one response carried, as data once `end()` has returned. */
export interface EgressStats {
  /** Records the upstream revealed (hits), passed or not: the hit-ratio signal counts these. */
  readonly records: number;
  readonly passed: number;
  /** records - passed: held back by maxRecords or maxBytes. */
  readonly dropped: number;
  /** Members removed from passed records (a record without photo and about counts 2). */
  readonly stripped: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
}

/** A push filter: feed the upstream body in chunks, send what comes back to the client. */
export interface EgressFilter {
  write(chunk: Uint8Array): Uint8Array[];
  end(): Uint8Array[];
  stats(): EgressStats;
}

const COMMA = Uint8Array.of(0x2c);
const LBRACE = 0x7b;
const LBRACKET = 0x5b;
const KINDS: Record<number, string> = { 0x7b: 'an object', 0x22: 'a string', 0x74: 'true', 0x66: 'false' };
const kindOf = (b: number): string => KINDS[b] ?? (b === 0x6e ? 'null' : 'a number');

/**
 * Streams a JSON answer through, byte for byte outside the records array. Inside it, one
 * record at a time is kept (at most maxRecordBytes), its stripped members cut out, and it is
 * passed on while maxRecords and maxBytes (and the gate, when given) allow; the array is always closed, so the output
 * stays valid JSON (RFC 8259). The records array is found by an RFC 6901 pointer; if the
 * name occurs twice in one object, both arrays are filtered, under one shared budget, so a
 * duplicate name cannot smuggle records or fields past the filter.
 */
export function createEgressFilter(config: EgressConfig, gate?: RecordGate): EgressFilter {
  const cfg = resolveEgressConfig(config);
  const { tokens, maxRecords, maxBytes, maxRecordBytes } = cfg;
  const stripping = cfg.strip.size > 0;
  const isStripped = nameMatcher(cfg.strip);
  // A name on the path longer than this cannot equal its token: each UTF-8 byte of a token
  // is at most one \uXXXX escape (6 bytes) in the body, plus the two quotes.
  const keyLimit = tokens.map((t) => Buffer.byteLength(t) * 6 + 2);
  const capture = createCapture();

  let chunk: Uint8Array = new Uint8Array(0);
  let base = 0;
  let out: Uint8Array[] = [];
  let passing = true;
  let segStart = 0;
  let failed: Error | undefined;
  let ended = false;

  // Path to the records array: the containers open on it, and whether the current member of
  // the innermost one is the next step.
  let pathLen = 0;
  const pathIsArray: boolean[] = [];
  const pathIndex: number[] = [];
  let keyMatches = false;
  let keyStart = -1;

  // Inside a records array (recDepth = its depth + 1, the depth of its records) or -1.
  let recDepth = -1;
  let inRecord = false;
  let recStart = 0;
  let recKept = false;
  let recObject = false;
  let recStripped = 0;
  const spans: number[] = [];
  let memberStart = 0;
  let memberStripped = false;
  let passedInArray = 0;
  let usedBytes = 0;
  let full = maxRecords === 0;

  let records = 0;
  let passed = 0;
  let stripped = 0;
  let bytesOut = 0;

  const bodyError = (message: string): EnumguardError => new EnumguardError('ERR_UPSTREAM_BODY', message);
  const tooLarge = (): EnumguardError =>
    bodyError(`record ${records} at byte ${recStart} is larger than maxRecordBytes (${maxRecordBytes})`);

  function enterRecords(pos: number, depth: number): void {
    if (passing && pos + 1 - base > segStart) out.push(chunk.subarray(segStart, pos + 1 - base));
    passing = false;
    recDepth = depth + 1;
    passedInArray = 0;
  }

  function finishRecord(end: number): void {
    inRecord = false;
    if (end - recStart > maxRecordBytes) throw tooLarge();
    if (!recKept) return;
    let bytes = capture.bytes(recStart, end);
    capture.stop();
    const gateValue = gate === undefined ? undefined : gatedMember(bytes, gate.member);
    if (recStripped > 0) bytes = keepMembers(bytes, spans);
    const cost = bytes.length + (passedInArray > 0 ? 1 : 0);
    if (usedBytes + cost > maxBytes) {
      // Stop at the first record that does not fit, rather than hunting for smaller ones.
      full = true;
      return;
    }
    // Asked only of records that would pass: the gate may spend a budget on each yes.
    if (gate !== undefined && !gate.admit(gateValue)) return;
    if (passedInArray > 0) out.push(COMMA);
    out.push(bytes);
    usedBytes += cost;
    passedInArray++;
    passed++;
    stripped += recStripped;
    if (passed === maxRecords) full = true;
  }

  const scanner = createJsonScanner(
    {
      valueStart(pos, depth, b) {
        if (recDepth >= 0) {
          if (depth !== recDepth) return;
          records++;
          inRecord = true;
          recStart = pos;
          recKept = !full;
          recObject = b === LBRACE;
          recStripped = 0;
          spans.length = 0;
          if (recKept) capture.begin(pos, maxRecordBytes);
          return;
        }
        if (depth !== pathLen) return;
        if (depth > 0) {
          const p = depth - 1;
          if (pathIsArray[p]) {
            pathIndex[p] = pathIndex[p]! + 1;
            if (String(pathIndex[p]) !== tokens[p]) return;
          } else if (!keyMatches) return;
        }
        if (depth === tokens.length) {
          if (b !== LBRACKET) {
            throw bodyError(
              `the records pointer ${JSON.stringify(config.records)} names ${kindOf(b)}, not an array, at byte ${pos}`,
            );
          }
          enterRecords(pos, depth);
        } else if (b === LBRACE || b === LBRACKET) {
          pathIsArray[depth] = b === LBRACKET;
          pathIndex[depth] = -1;
          keyMatches = false;
          pathLen = depth + 1;
        }
      },
      valueEnd(end, depth) {
        if (recDepth < 0) {
          if (depth === pathLen - 1) pathLen--;
          return;
        }
        if (depth === recDepth + 1) {
          if (!inRecord || !recKept || !recObject || !stripping) return;
          if (memberStripped) recStripped++;
          else spans.push(memberStart - recStart, end - recStart);
        } else if (depth === recDepth) finishRecord(end);
        else if (depth === recDepth - 1) {
          // The records array closed: pass its ']' and everything after it through again.
          recDepth = -1;
          passing = true;
          segStart = end - 1 - base;
        }
      },
      keyStart(pos, depth) {
        if (recDepth >= 0) {
          if (depth === recDepth + 1) memberStart = pos;
        } else if (depth === pathLen && depth > 0 && !pathIsArray[depth - 1]) {
          keyStart = pos;
          capture.begin(pos, keyLimit[depth - 1]!);
        }
      },
      keyEnd(end, depth) {
        if (recDepth >= 0) {
          if (depth === recDepth + 1 && inRecord && recKept && recObject && stripping)
            memberStripped = isStripped(capture.bytes(memberStart, end));
        } else if (keyStart >= 0) {
          const fits = end - keyStart <= keyLimit[depth - 1]!;
          keyMatches = fits && decodeName(capture.bytes(keyStart, end)) === tokens[depth - 1];
          keyStart = -1;
          capture.stop();
        }
      },
    },
    cfg.maxDepth,
  );

  function collect(): Uint8Array[] {
    const result = out.length > 1 ? [Buffer.concat(out)] : out;
    out = [];
    for (const c of result) bytesOut += c.length;
    return result;
  }

  function guard<T>(step: () => T): T {
    if (failed !== undefined) throw failed;
    if (ended) throw internalError('egress filter used after end()');
    try {
      return step();
    } catch (err) {
      failed =
        err instanceof Error ? err : internalError(`the egress filter threw a non-Error: ${String(err)}`);
      throw failed;
    }
  }

  return {
    write(next) {
      return guard(() => {
        chunk = next;
        capture.setChunk(next, base);
        segStart = 0;
        scanner.scan(next);
        if (passing && segStart < next.length) out.push(next.subarray(segStart));
        base += next.length;
        if (inRecord && base - recStart > maxRecordBytes) throw tooLarge();
        // A path name that outgrows its limit cannot match; keyEnd sees that from its length.
        if (!capture.keepTail() && keyStart < 0) throw tooLarge();
        return collect();
      });
    },
    end() {
      return guard(() => {
        scanner.finish();
        ended = true;
        return collect();
      });
    },
    stats: () => ({ records, passed, dropped: records - passed, stripped, bytesIn: base, bytesOut }),
  };
}
