/**
 * Member names and member removal on the raw bytes of one record. The scanner has already
 * validated the record, so cutting whole members out of it (and joining the rest with commas)
 * keeps it valid JSON without a JSON.parse/JSON.stringify round trip. Untouched members keep
 * their exact bytes: numbers beyond 2^53 (64-bit account ids) are not rounded, as they
 * would be by JSON.parse (RFC 8259 §6 leaves number precision to the implementation).
 */

const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** The name a quoted member name (quotes included) stands for, escapes decoded. */
export function decodeName(raw: Uint8Array): string {
  const inner = raw.subarray(1, raw.length - 1);
  return inner.includes(0x5c) ? (JSON.parse(decoder.decode(raw)) as string) : decoder.decode(inner);
}

/** Builds the test "is this quoted member name one of `names`", fast for unescaped names. */
export function nameMatcher(names: ReadonlySet<string>): (raw: Uint8Array) => boolean {
  const encoded = [...names].map((n) => encoder.encode(n));
  return (raw) => {
    const len = raw.length - 2;
    if (raw.includes(0x5c)) return names.has(decodeName(raw));
    outer: for (const name of encoded) {
      if (name.length !== len) continue;
      for (let k = 0; k < len; k++) if (name[k] !== raw[k + 1]) continue outer;
      return true;
    }
    return false;
  };
}

/**
 * An object record rebuilt from the members kept: `spans` holds [start, end) pairs relative
 * to `record`, each a whole member ("name": value), in document order.
 */
export function keepMembers(record: Uint8Array, spans: readonly number[]): Uint8Array {
  let size = 2 + Math.max(0, spans.length / 2 - 1);
  for (let k = 0; k < spans.length; k += 2) size += spans[k + 1]! - spans[k]!;
  const out = new Uint8Array(size);
  out[0] = 0x7b;
  let at = 1;
  for (let k = 0; k < spans.length; k += 2) {
    if (k > 0) out[at++] = 0x2c;
    out.set(record.subarray(spans[k], spans[k + 1]), at);
    at += spans[k + 1]! - spans[k]!;
  }
  out[at] = 0x7d;
  return out;
}
