import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isEnumguardError } from '../core/errors.ts';
import { createJsonScanner, type ScanListener } from './json-scanner.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Scans `bytes` split at `cuts`; returns the events, or the error's code and message. */
function scan(bytes: Uint8Array, cuts: number[] = [], maxDepth = 64): { ok: boolean; events: string[] } {
  const events: string[] = [];
  const listener: ScanListener = {
    valueStart: (pos, depth) => events.push(`v${depth}@${pos}`),
    valueEnd: (end, depth) => events.push(`/v${depth}@${end}`),
    keyStart: (pos, depth) => events.push(`k${depth}@${pos}`),
    keyEnd: (end, depth) => events.push(`/k${depth}@${end}`),
  };
  const scanner = createJsonScanner(listener, maxDepth);
  try {
    let at = 0;
    for (const cut of [...cuts].sort((a, b) => a - b)) {
      scanner.scan(bytes.subarray(at, Math.max(at, cut)));
      at = Math.max(at, cut);
    }
    scanner.scan(bytes.subarray(at));
    scanner.finish();
    return { ok: true, events };
  } catch (err) {
    assert.ok(isEnumguardError(err, 'ERR_UPSTREAM_BODY'), `unexpected error ${String(err)}`);
    return { ok: false, events: [(err as Error).message] };
  }
}

function parses(bytes: Uint8Array): boolean {
  try {
    JSON.parse(utf8.decode(bytes));
    return true;
  } catch {
    return false;
  }
}

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const cutsFor = (len: number) => fc.array(fc.integer({ min: 0, max: len }), { maxLength: 8 });

describe('createJsonScanner', () => {
  it('reports values and member names with their byte ranges and depths', () => {
    assert.deepEqual(scan(enc('{"a": [1, "x"]}')).events, [
      'v0@0',
      'k1@1',
      '/k1@4',
      'v1@6',
      'v2@7',
      '/v2@8',
      'v2@10',
      '/v2@13',
      '/v1@14',
      '/v0@15',
    ]);
  });

  it('ends a top-level number at the end of the body', () => {
    assert.deepEqual(scan(enc('-1.5e+3')).events, ['v0@0', '/v0@7']);
  });

  it('accepts exactly what JSON.parse accepts, for any text and any split', () => {
    const jsonish = fc.string({
      unit: fc.constantFrom(...'{}[]:,"\\ \t\n-+.0123456789eEtrufalsn\u00e9\u{1f600}u/bx'.split(/(?:)/u)),
      maxLength: 40,
    });
    fc.assert(
      fc.property(fc.oneof(fc.json(), jsonish), fc.nat(), (text, seed) => {
        const bytes = enc(text);
        const cuts = [seed % (bytes.length + 1), (seed >> 3) % (bytes.length + 1)];
        assert.equal(scan(bytes, cuts).ok, parses(bytes), text);
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts exactly the bytes that are UTF-8 and JSON (RFC 8259 §8.1)', () => {
    const bytes = fc
      .tuple(fc.uint8Array({ maxLength: 6 }), fc.uint8Array({ maxLength: 6, min: 0x80 }))
      .map(([a, b]) => Uint8Array.from([0x22, ...a.filter((x) => x !== 0x22 && x !== 0x5c), ...b, 0x22]));
    fc.assert(
      fc.property(bytes, cutsFor(14), (body, cuts) => {
        assert.equal(scan(body, cuts).ok, parses(body));
      }),
      { numRuns: 3000 },
    );
  });

  it('gives the same events whatever the chunk boundaries', () => {
    fc.assert(
      fc.property(fc.json(), cutsFor(200), (text, cuts) => {
        const bytes = enc(text);
        assert.deepEqual(scan(bytes, cuts), scan(bytes));
      }),
    );
  });

  it('names the byte and the fault', () => {
    assert.deepEqual(scan(enc('{"a" 1}')).events, [
      "malformed JSON at byte 5: unexpected '1', expected ':' after a member name",
    ]);
    assert.deepEqual(scan(enc('[1,]')).events, [
      "malformed JSON at byte 3: unexpected ']', expected a value",
    ]);
    assert.deepEqual(scan(enc('[01]')).events, [
      "malformed JSON at byte 2: unexpected '1', expected ',' or ']'",
    ]);
    assert.deepEqual(scan(Uint8Array.from([0x22, 0xc0, 0x80, 0x22])).events, [
      'malformed JSON at byte 1: invalid UTF-8 (byte 0xc0); RFC 8259 §8.1 requires UTF-8',
    ]);
    assert.deepEqual(scan(enc('"a\u0001"')).events, [
      'malformed JSON at byte 2: unescaped control character byte 0x01 in a string',
    ]);
    assert.deepEqual(scan(enc('{"a": "never closed')).events, [
      'body ended early at byte 19: inside a string',
    ]);
    assert.deepEqual(scan(enc('[[1]')).events, ['body ended early at byte 4: with 1 unclosed container']);
    assert.deepEqual(scan(enc('')).events, ['body ended early at byte 0: before a complete JSON value']);
    assert.deepEqual(scan(enc('{} {}')).events, [
      "malformed JSON at byte 3: unexpected '{', expected the end of the body after the JSON value",
    ]);
  });

  it('refuses nesting deeper than maxDepth without recursion', () => {
    const deep = enc('['.repeat(1_000_000));
    assert.deepEqual(scan(deep, [], 256).events, [
      'malformed JSON at byte 256: nesting deeper than 256 levels',
    ]);
    assert.equal(scan(enc('['.repeat(256) + ']'.repeat(256)), [], 256).ok, true);
  });
});
