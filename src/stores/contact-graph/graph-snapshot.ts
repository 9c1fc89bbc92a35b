import { crc32 } from 'node:zlib';
import { EnumguardError } from '../../core/errors.ts';
import { hex, put, take } from '../snapshot-bytes.ts';
import { SETS_PER_NODE, type GraphState } from './graph-state.ts';

/**
 * The contact graph's snapshot format, version 1. All numbers little-endian.
 *
 *   offset  size  field
 *   0       8     magic "EGGRPH\r\n"
 *   8       2     format version (u16)
 *   10      2     header length (u16, 60): later versions may append header fields
 *   12      4     nodes N (u32)
 *   16      4     sessions S (u32)
 *   20      8     fingerprint key a, b (2 × i32)
 *   28      8     set members E in all (f64, an integer)
 *   36      8     file length in bytes, checksum included (f64, an integer)
 *   44      8     createdAt, epoch ms (f64): the start of the bootstrap window
 *   52      8     savedAt, epoch ms (f64)
 *   60      8N    account fingerprints (f64, 53-bit integers), least recently active first
 *           16N   firstSeen, lastSeen per node (f64)
 *           12N   sizes of held, shown, vouchers per node (u32)
 *           4E    set members (u32): per node held, shown, vouchers, each strictly ascending
 *           8S    session fingerprints (f64, 53-bit integers), least recently seen first
 *           8S    the account of each session (f64)
 *           8S    lastSeen of each session (f64)
 *   end-4   4     CRC-32 (ISO-HDLC, zlib's) of every byte before it
 *
 * 36 bytes per account, 4 per remembered number and 24 per session. The magic differs from the
 * store snapshot's ("EGSNAP\r\n"), so one file put in the other's place is named for what it is.
 */
export const GRAPH_SNAPSHOT_VERSION = 1;
const MAGIC = Buffer.from('EGGRPH\r\n', 'latin1');
const HEADER = 60;
const PER_NODE = 8 + 16 + 4 * SETS_PER_NODE;
const PER_SESSION = 24;
const CHECKSUM = 4;

/** Bytes a snapshot of `nodes` accounts holding `members` set members, and `sessions` sessions, takes. */
export function graphSnapshotSize(nodes: number, members: number, sessions: number): number {
  return HEADER + PER_NODE * nodes + 4 * members + PER_SESSION * sessions + CHECKSUM;
}

export function encodeGraphSnapshot(state: GraphState): Buffer {
  const size = graphSnapshotSize(state.nodes, state.members.length, state.sessions);
  const out = Buffer.alloc(size);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  MAGIC.copy(out, 0);
  view.setUint16(8, GRAPH_SNAPSHOT_VERSION, true);
  view.setUint16(10, HEADER, true);
  view.setUint32(12, state.nodes, true);
  view.setUint32(16, state.sessions, true);
  view.setInt32(20, state.seed[0], true);
  view.setInt32(24, state.seed[1], true);
  view.setFloat64(28, state.members.length, true);
  view.setFloat64(36, size, true);
  view.setFloat64(44, state.createdAt, true);
  view.setFloat64(52, state.savedAt, true);
  let at = HEADER;
  for (const section of [state.accounts, state.times, state.setSizes, state.members]) {
    at = put(out, view, at, section);
  }
  for (const section of [state.sessionKeys, state.sessionAccounts, state.sessionSeen]) {
    at = put(out, view, at, section);
  }
  view.setUint32(at, crc32(out.subarray(0, at)), true);
  return out;
}

type Bad = (what: string) => EnumguardError;

/**
 * Reads a contact graph snapshot, checking in the order that gives the most useful message:
 * what the file is (magic), whether this build reads it (version), whether it is whole
 * (lengths, against the file's own size before anything is allocated), whether it is intact
 * (checksum), then whether it is consistent. `source` names the file in messages.
 */
export function decodeGraphSnapshot(bytes: Uint8Array, source = 'contact graph snapshot'): GraphState {
  const bad: Bad = (what) => new EnumguardError('ERR_SNAPSHOT_INVALID', `${source}: ${what}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { nodes, sessions, members } = checkFrame(bytes, view, bad);
  const state: GraphState = {
    seed: [view.getInt32(20, true), view.getInt32(24, true)],
    createdAt: view.getFloat64(44, true),
    savedAt: view.getFloat64(52, true),
    nodes,
    accounts: new Float64Array(nodes),
    times: new Float64Array(2 * nodes),
    setSizes: new Uint32Array(SETS_PER_NODE * nodes),
    members: new Uint32Array(members),
    sessions,
    sessionKeys: new Float64Array(sessions),
    sessionAccounts: new Float64Array(sessions),
    sessionSeen: new Float64Array(sessions),
  };
  let at = HEADER;
  for (const section of [state.accounts, state.times, state.setSizes, state.members]) {
    at = take(bytes, view, at, section);
  }
  for (const section of [state.sessionKeys, state.sessionAccounts, state.sessionSeen]) {
    at = take(bytes, view, at, section);
  }
  checkNodes(state, bad);
  checkSessions(state, bad);
  return state;
}

/** Magic, version, lengths and checksum: everything that can be judged before allocating. */
function checkFrame(
  bytes: Uint8Array,
  view: DataView,
  bad: Bad,
): { nodes: number; sessions: number; members: number } {
  const len = bytes.length;
  // A short file that starts like a snapshot (an empty one too) is a truncated one.
  const magicSeen = Math.min(len, MAGIC.length);
  if (!MAGIC.subarray(0, magicSeen).equals(bytes.subarray(0, magicSeen))) {
    throw bad('not an enumguard contact graph snapshot (wrong magic bytes)');
  }
  if (len < HEADER) throw bad(`truncated at byte ${len} (the header alone is ${HEADER} bytes)`);
  const version = view.getUint16(8, true);
  if (version > GRAPH_SNAPSHOT_VERSION) {
    throw bad(
      `format version ${version} is newer than this enumguard understands (${GRAPH_SNAPSHOT_VERSION}); ` +
        'upgrade enumguard or remove the file',
    );
  }
  if (version !== GRAPH_SNAPSHOT_VERSION) throw bad(`format version ${version} is not valid`);
  const header = view.getUint16(10, true);
  if (header !== HEADER) throw bad(`header length ${header} is not ${HEADER} as version ${version} requires`);
  const nodes = view.getUint32(12, true);
  const sessions = view.getUint32(16, true);
  const members = view.getFloat64(28, true);
  const size = view.getFloat64(36, true);
  if (!Number.isSafeInteger(members) || members < 0 || size !== graphSnapshotSize(nodes, members, sessions)) {
    throw bad(
      `the header's lengths disagree (${nodes} accounts, ${members} set members, ${sessions} sessions, ` +
        `but ${size} bytes)`,
    );
  }
  if (len < size) throw bad(`truncated at byte ${len} (expected ${size} bytes)`);
  if (len > size) throw bad(`${len - size} unexpected bytes after the end at byte ${size}`);
  const stored = view.getUint32(size - CHECKSUM, true);
  const computed = crc32(bytes.subarray(0, size - CHECKSUM));
  if (stored !== computed) {
    throw bad(`checksum mismatch (stored ${hex(stored)}, computed ${hex(computed)}): the file is corrupt`);
  }
  if (!Number.isFinite(view.getFloat64(44, true))) throw bad('createdAt is not a finite time');
  return { nodes, sessions, members };
}

/** A fingerprint the graph can have made: a 53-bit non-negative integer. */
const isFingerprint = (x: number): boolean => Number.isSafeInteger(x) && x >= 0;

function checkNodes(state: GraphState, bad: Bad): void {
  const seen = new Set<number>();
  let at = 0;
  for (let i = 0; i < state.nodes; i++) {
    const account = state.accounts[i] as number;
    if (!isFingerprint(account)) throw bad(`account ${i} has a fingerprint that is not a 53-bit integer`);
    if (seen.has(account)) throw bad(`account ${i} appears twice`);
    seen.add(account);
    const first = state.times[2 * i] as number;
    const last = state.times[2 * i + 1] as number;
    // A NaN firstSeen would make the account neither a seed nor new; a NaN lastSeen, never forgotten.
    if (!Number.isFinite(first) || !Number.isFinite(last) || first > last) {
      throw bad(`account ${i} has first and last seen times that are not finite and in order`);
    }
    for (let k = 0; k < SETS_PER_NODE; k++) {
      const size = state.setSizes[SETS_PER_NODE * i + k] as number;
      if (at + size > state.members.length)
        throw bad(`account ${i}'s sets hold more members than the header says`);
      // Members are found by binary search, which needs them strictly ascending.
      for (let j = at + 1; j < at + size; j++) {
        if ((state.members[j] as number) <= (state.members[j - 1] as number)) {
          throw bad(`account ${i}'s set ${k} is not in strictly ascending order`);
        }
      }
      at += size;
    }
  }
  if (at !== state.members.length) {
    throw bad(`the accounts' sets hold ${at} members, but the header says ${state.members.length}`);
  }
}

function checkSessions(state: GraphState, bad: Bad): void {
  for (let i = 0; i < state.sessions; i++) {
    const ok =
      isFingerprint(state.sessionKeys[i] as number) &&
      isFingerprint(state.sessionAccounts[i] as number) &&
      Number.isFinite(state.sessionSeen[i]);
    if (!ok) throw bad(`session ${i} has a fingerprint, account or time that is not valid`);
  }
}
