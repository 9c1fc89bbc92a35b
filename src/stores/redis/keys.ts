import { fingerprint, type Fingerprint } from '../fingerprint.ts';

/**
 * Key names of the Redis store. No raw identity, token or limit key ever reaches Redis: each
 * key is named by the 64-bit keyed fingerprint (fingerprint.ts) of its text, in hex, inside a
 * Redis Cluster hash tag, so the keys that must share a slot share a tag:
 *
 *   <prefix>:{<fp(check key)>}:l        a limit's state (a string with its TTL, see consume-script.ts)
 *   <prefix>:{<fp(check key)>}:t        its target set (distinct limits): same tag, same slot
 *   <prefix>:{<fp("i|" identity)>}:r    an identity's risk record (hash, see lua-common.ts)
 *   <prefix>:{<fp("p|" ip prefix)>}:r   an IP prefix's risk record
 *   <prefix>:{<fp("c|" ip prefix)>}:r   a cohort's risk record (identities first seen there)
 *
 * The texts fingerprinted are those of the memory store and risk-table.ts, so both stores
 * keep the same records under the same seed.
 */
export interface KeyNamer {
  /** The hex fingerprint of a text: a key's tag. */
  tag(text: string): string;
  state(tag: string): string;
  targets(tag: string): string;
  risk(tag: string): string;
  /** A SCAN pattern matching every key of this prefix. */
  readonly pattern: string;
}

export function createKeyNamer(prefix: string, seed: readonly [number, number]): KeyNamer {
  const [seedA, seedB] = seed;
  const fp: Fingerprint = { a: 0, b: 0 };
  // 2^32 + x in hex is '1' and x's 8 digits: slicing the '1' off pads without padStart.
  const hex = (x: number): string => (0x100000000 + (x >>> 0)).toString(16).slice(1);
  return {
    tag(text) {
      fingerprint(text, seedA, seedB, fp);
      return hex(fp.a) + hex(fp.b);
    },
    state: (tag) => `${prefix}:{${tag}}:l`,
    targets: (tag) => `${prefix}:{${tag}}:t`,
    risk: (tag) => `${prefix}:{${tag}}:r`,
    pattern: `${prefix.replace(/[*?[\]\\]/g, '\\$&')}:{*`,
  };
}

/** CRC16/XMODEM, the checksum Redis Cluster slots keys by. */
const CRC_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let j = 0; j < 8; j++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
    table[i] = c;
  }
  return table;
})();

/** The cluster slot of a key: CRC16 of its hash tag (or of the whole key without one) mod 16384. */
export function keySlot(key: string): number {
  let part = key;
  const open = key.indexOf('{');
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) part = key.slice(open + 1, close);
  }
  let crc = 0;
  for (const byte of Buffer.from(part, 'utf8')) {
    crc = ((crc << 8) & 0xffff) ^ (CRC_TABLE[((crc >>> 8) ^ byte) & 0xff] as number);
  }
  return crc & 16383;
}
