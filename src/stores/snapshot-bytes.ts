/**
 * Little-endian typed-array sections in and out of a snapshot's bytes, shared by the memory
 * store's snapshot (snapshot.ts) and the contact graph's (contact-graph/graph-snapshot.ts).
 */
// The format is little-endian; on such hosts (nearly all) sections are copied as bytes, which
// keeps a 100 MB snapshot from holding the event loop for a second of DataView calls.
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

export type Section = Int32Array | Uint32Array | Float64Array;

/** Writes a typed array's elements little-endian at `at`; returns the offset after them. */
export function put(out: Buffer, view: DataView, at: number, values: Section): number {
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), at);
    return at + values.byteLength;
  }
  const step = values.BYTES_PER_ELEMENT;
  for (let i = 0; i < values.length; i++, at += step) {
    const v = values[i] as number;
    if (values instanceof Float64Array) view.setFloat64(at, v, true);
    else if (values instanceof Uint32Array) view.setUint32(at, v, true);
    else view.setInt32(at, v, true);
  }
  return at;
}

/** Fills a typed array from little-endian bytes at `at`; returns the offset after them. */
export function take(bytes: Uint8Array, view: DataView, at: number, into: Section): number {
  const length = into.byteLength;
  if (LITTLE_ENDIAN) {
    new Uint8Array(into.buffer, into.byteOffset, length).set(bytes.subarray(at, at + length));
    return at + length;
  }
  const step = into.BYTES_PER_ELEMENT;
  for (let i = 0; i < into.length; i++, at += step) {
    if (into instanceof Float64Array) into[i] = view.getFloat64(at, true);
    else if (into instanceof Uint32Array) into[i] = view.getUint32(at, true);
    else into[i] = view.getInt32(at, true);
  }
  return at;
}

/** A checksum as it is printed in messages: 0x1a2b3c4d. */
export function hex(v: number): string {
  return `0x${v.toString(16).padStart(8, '0')}`;
}
