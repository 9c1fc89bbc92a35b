import { crc32 } from 'node:zlib';
import { EnumguardError } from '../core/errors.ts';
import { hex, put, take } from './snapshot-bytes.ts';
import { decodeLabels, encodeLabels } from './snapshot-labels.ts';
import { NO_RISK_RECORDS, RISK_STRIDE } from './risk-records.ts';
import { STATE_STRIDE, type StoreState } from './store-state.ts';

/**
 * The memory store's snapshot format, version 3. All numbers little-endian.
 *
 *   offset  size  field
 *   0       8     magic "EGSNAP\r\n"
 *   8       2     format version (u16)
 *   10      2     header length (u16, 64): later versions may append header fields
 *   12      4     keys n (u32)
 *   16      8     file length in bytes, checksum included (f64, an integer)
 *   24      8     seeds a, b (2 × i32)
 *   32      8     savedAt, clock ms (f64)
 *   40      8     targets T in all (f64, an integer)
 *   48      8     risk records R (f64, an integer)                       since version 2
 *   56      8     risk label bytes L (f64, an integer)                   since version 3
 *   64      8n    key fingerprints (a, b as i32), least recently used first
 *           32n   limiter states (s0, s1, s2, expiresAt as f64)
 *           4n    targets per key (u32)
 *           4T    target fingerprints (i32), each key's oldest first
 *           8R    risk record fingerprints (a, b as i32), least recently used first
 *           72R   risk states (score, at, blocks, blockedUntil; the shadow state's four;
 *                 firstSeen; as f64)
 *           8R    cohort fingerprints (a, b as i32; 0, 0 for none)
 *           L     the records' subjects, one ASCII line each (snapshot-labels.ts)
 *   end-4   4     CRC-32 (ISO-HDLC, zlib's) of every byte before it
 *
 * 44 bytes per key, 4 per remembered target and 88 per risk record. Sections rather than
 * records per key so each is one typed-array pass. The "\r\n" in the magic (as in PNG's) shows
 * a file that a text-mode transfer mangled as "not a snapshot" instead of a puzzling checksum
 * failure.
 *
 * Version 1 is the same without the risk record count (header length 48) and the risk
 * sections; it still loads, with no risk records. Version 2 is the same without the labels
 * (header length 56); it still loads, its records without subjects until a signal reaches them.
 */
export const SNAPSHOT_VERSION = 3;
const MAGIC = Buffer.from('EGSNAP\r\n', 'latin1');
/** Header length by format version. */
const HEADERS: Readonly<Record<number, number>> = { 1: 48, 2: 56, 3: 64 };
const HEADER_V1 = 48;
const HEADER = 64;
const PER_KEY = 8 + 8 * STATE_STRIDE + 4;
const PER_RISK_RECORD = 8 + 8 * RISK_STRIDE + 8;
const CHECKSUM = 4;
/**
 * Bytes a snapshot of `keys` keys holding `targets` targets in all, and `risk` risk records
 * whose labels take `labels` bytes, takes.
 */
export function snapshotSize(keys: number, targets: number, risk = 0, labels = 0): number {
  return sizeFor(HEADER, keys, targets, risk, labels);
}

function sizeFor(header: number, keys: number, targets: number, risk: number, labels: number): number {
  return header + PER_KEY * keys + 4 * targets + PER_RISK_RECORD * risk + labels + CHECKSUM;
}

export function encodeSnapshot(state: StoreState): Buffer {
  const n = state.keys;
  const total = state.targets.length;
  const risk = state.risk;
  const labels = encodeLabels(risk.labels ?? []);
  const size = snapshotSize(n, total, risk.count, labels.length);
  const out = Buffer.alloc(size);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  MAGIC.copy(out, 0);
  view.setUint16(8, SNAPSHOT_VERSION, true);
  view.setUint16(10, HEADER, true);
  view.setUint32(12, n, true);
  view.setFloat64(16, size, true);
  view.setInt32(24, state.seed[0], true);
  view.setInt32(28, state.seed[1], true);
  view.setFloat64(32, state.savedAt, true);
  view.setFloat64(40, total, true);
  view.setFloat64(48, risk.count, true);
  view.setFloat64(56, labels.length, true);
  let at = put(out, view, HEADER, state.fingerprints);
  at = put(out, view, at, state.states);
  at = put(out, view, at, state.targetCounts);
  at = put(out, view, at, state.targets);
  at = put(out, view, at, risk.fingerprints);
  at = put(out, view, at, risk.states);
  at = put(out, view, at, risk.cohorts);
  labels.copy(out, at);
  at += labels.length;
  view.setUint32(at, crc32(out.subarray(0, at)), true);
  return out;
}

/**
 * Reads a snapshot, checking in an order that gives the most useful message: what the file
 * is (magic), whether this build can read it (version), whether it is whole (length), then
 * whether it is intact (checksum) and consistent. `source` names the file in messages.
 */
export function decodeSnapshot(bytes: Uint8Array, source = 'snapshot'): StoreState {
  const bad = (what: string): EnumguardError =>
    new EnumguardError('ERR_SNAPSHOT_INVALID', `${source}: ${what}`);
  const len = bytes.length;
  // A short file that starts like a snapshot (an empty one too) is a truncated one.
  const magicSeen = Math.min(len, MAGIC.length);
  if (!MAGIC.subarray(0, magicSeen).equals(bytes.subarray(0, magicSeen))) {
    throw bad('not an enumguard snapshot (wrong magic bytes)');
  }
  // Headers only ever grow (later fields are appended), so a file shorter than version 1's
  // header is truncated whatever version it claims.
  if (len < HEADER_V1) throw bad(`truncated at byte ${len} (the header alone is ${HEADER_V1} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(8, true);
  if (version > SNAPSHOT_VERSION) {
    throw bad(
      `format version ${version} is newer than this enumguard understands (${SNAPSHOT_VERSION}); ` +
        'upgrade enumguard or remove the file to start empty',
    );
  }
  const expected = HEADERS[version];
  if (expected === undefined) throw bad(`format version ${version} is not valid`);
  if (len < expected) throw bad(`truncated at byte ${len} (the header alone is ${expected} bytes)`);
  const header = view.getUint16(10, true);
  if (header !== expected) {
    throw bad(`header length ${header} is not ${expected} as version ${version} requires`);
  }
  const n = view.getUint32(12, true);
  const size = view.getFloat64(16, true);
  const total = view.getFloat64(40, true);
  const count = version === 1 ? 0 : view.getFloat64(48, true);
  const labelBytes = version < 3 ? 0 : view.getFloat64(56, true);
  const counted = (x: number): boolean => Number.isSafeInteger(x) && x >= 0;
  if (
    !counted(total) ||
    !counted(count) ||
    !counted(labelBytes) ||
    size !== sizeFor(header, n, total, count, labelBytes)
  ) {
    const labels = version < 3 ? '' : `, ${labelBytes} label bytes`;
    const risk = version === 1 ? '' : ` and ${count} risk records${labels}`;
    throw bad(`the header's lengths disagree (${n} keys, ${total} targets${risk}, but ${size} bytes)`);
  }
  if (len < size) throw bad(`truncated at byte ${len} (expected ${size} bytes)`);
  if (len > size) throw bad(`${len - size} unexpected bytes after the end at byte ${size}`);
  const stored = view.getUint32(size - CHECKSUM, true);
  const computed = crc32(bytes.subarray(0, size - CHECKSUM));
  if (stored !== computed) {
    throw bad(`checksum mismatch (stored ${hex(stored)}, computed ${hex(computed)}): the file is corrupt`);
  }

  const fingerprints = new Int32Array(2 * n);
  const states = new Float64Array(STATE_STRIDE * n);
  const targetCounts = new Uint32Array(n);
  const targets = new Int32Array(total);
  let at = take(bytes, view, header, fingerprints);
  at = take(bytes, view, at, states);
  at = take(bytes, view, at, targetCounts);
  at = take(bytes, view, at, targets);
  for (let i = 0; i < states.length; i++) {
    if (Number.isNaN(states[i]))
      throw bad(`key ${Math.floor(i / STATE_STRIDE)} has a state that is not a number`);
  }
  let sum = 0;
  for (let i = 0; i < n; i++) sum += targetCounts[i] as number;
  if (sum !== total) throw bad(`the keys hold ${sum} targets, but the header says ${total}`);
  // 0 marks an empty cell in a target set's index, so no real fingerprint is ever 0.
  const zero = targets.indexOf(0);
  if (zero !== -1) throw bad(`target ${zero} has the fingerprint 0, which no target can have`);
  return {
    seed: [view.getInt32(24, true), view.getInt32(28, true)],
    savedAt: view.getFloat64(32, true),
    keys: n,
    fingerprints,
    states,
    targetCounts,
    targets,
    risk:
      count === 0 && labelBytes === 0
        ? NO_RISK_RECORDS
        : takeRisk(bytes, view, at, count, version < 3 ? undefined : labelBytes, bad),
  };
}

/** Reads and checks the risk sections of `count` records at `at`, with `labelBytes` of labels (version 3). */
function takeRisk(
  bytes: Uint8Array,
  view: DataView,
  at: number,
  count: number,
  labelBytes: number | undefined,
  bad: (what: string) => EnumguardError,
): StoreState['risk'] {
  const fingerprints = new Int32Array(2 * count);
  const states = new Float64Array(RISK_STRIDE * count);
  const cohorts = new Int32Array(2 * count);
  at = take(bytes, view, at, fingerprints);
  at = take(bytes, view, at, states);
  at = take(bytes, view, at, cohorts);
  const labels =
    labelBytes === undefined ? undefined : decodeLabels(bytes.subarray(at, at + labelBytes), count, bad);
  for (let i = 0; i < count; i++) {
    if (fingerprints[2 * i] === 0 && fingerprints[2 * i + 1] === 0) {
      throw bad(`risk record ${i} has the fingerprint (0, 0), which no record can have`);
    }
  }
  // Every field must be finite: the model would read a NaN or an infinity as 0 ("no history"),
  // which for a block's end means silently unblocking the identity.
  for (let i = 0; i < states.length; i++) {
    if (!Number.isFinite(states[i])) {
      throw bad(`risk record ${Math.floor(i / RISK_STRIDE)} has a state that is not a finite number`);
    }
  }
  return labels === undefined
    ? { count, fingerprints, states, cohorts }
    : { count, fingerprints, states, cohorts, labels };
}
