import type { RiskSubject } from './risk-subject.ts';

/**
 * The risk records' subjects in a memory snapshot (format version 3): what lets the admin API
 * list a blocked identity or network again right after a restart, instead of once a new signal
 * reaches its record. One ASCII line per record, in the records' order, joined by "\n":
 * `i <tag>` for an identity, `n <prefix>` for a network, empty for a record without a subject.
 * A tag is already a digest and a prefix is what the log prints, so the file gains no secret.
 */
const TAG = /^[0-9a-f]{12}$/;
// An IPv4 or IPv6 prefix as the gateway writes them ("198.51.100.0/24", "2001:db8::/48").
const PREFIX = /^[0-9a-f.:]{2,39}\/\d{1,3}$/;

export function encodeLabels(labels: readonly (RiskSubject | undefined)[]): Buffer {
  const lines = labels.map((s) =>
    s === undefined ? '' : s.kind === 'identity' ? `i ${s.tag}` : `n ${s.prefix}`,
  );
  return Buffer.from(lines.join('\n'), 'latin1');
}

/**
 * Reads `count` labels from `bytes`; `bad` builds the error for a malformed one. Zero records
 * have zero bytes of labels; one record without a subject also has zero bytes (one empty line).
 */
export function decodeLabels(
  bytes: Uint8Array,
  count: number,
  bad: (what: string) => Error,
): (RiskSubject | undefined)[] {
  if (count === 0) {
    if (bytes.length !== 0) throw bad(`${bytes.length} bytes of risk labels for no risk records`);
    return [];
  }
  const lines = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1').split('\n');
  if (lines.length !== count) throw bad(`${lines.length} risk labels for ${count} risk records`);
  return lines.map((line, i) => {
    if (line === '') return undefined;
    const value = line.slice(2);
    if (line.startsWith('i ') && TAG.test(value)) return { kind: 'identity', tag: value };
    if (line.startsWith('n ') && PREFIX.test(value)) return { kind: 'network', prefix: value };
    throw bad(`risk record ${i} has a label that is neither an identity tag nor a network prefix`);
  });
}
