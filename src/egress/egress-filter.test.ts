import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isEnumguardError } from '../core/errors.ts';
import type { EgressConfig } from './config.ts';
import { createEgressFilter, type EgressStats } from './egress-filter.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Runs a body through a filter in chunks of `size` bytes. */
function run(
  config: EgressConfig,
  body: string | Uint8Array,
  size = Infinity,
): { out: string; stats: EgressStats } {
  const bytes = typeof body === 'string' ? enc(body) : body;
  const filter = createEgressFilter(config);
  const chunks: Uint8Array[] = [];
  const step = Math.min(size, Math.max(1, bytes.length));
  for (let at = 0; at < bytes.length; at += step) chunks.push(...filter.write(bytes.subarray(at, at + step)));
  chunks.push(...filter.end());
  return { out: Buffer.concat(chunks).toString('utf8'), stats: filter.stats() };
}

function fails(config: EgressConfig, body: string | Uint8Array, message: RegExp, size = Infinity): void {
  assert.throws(
    () => run(config, body, size),
    (err: unknown) => isEnumguardError(err, 'ERR_UPSTREAM_BODY') && message.test(err.message),
  );
}

const CONTACTS =
  '{"contacts":[{"n":"+1","photo":"p1","about":"a1"},{"n":"+2","about":"a2"},{"n":"+3"}],"ok":true}';

describe('createEgressFilter', () => {
  it('passes a body without the records pointer through unchanged, whitespace and all', () => {
    const body = '{ "users" : [ {"photo": 1} ],\n  "n": -0.5e3 }';
    const { out, stats } = run({ records: '/contacts', strip: ['photo'] }, body, 3);
    assert.equal(out, body);
    assert.deepEqual(stats, { records: 0, passed: 0, dropped: 0, stripped: 0, bytesIn: 45, bytesOut: 45 });
  });

  it('strips the named top-level members from every record and counts them', () => {
    const { out, stats } = run({ records: '/contacts', strip: ['photo', 'about'] }, CONTACTS);
    assert.equal(out, '{"contacts":[{"n":"+1"},{"n":"+2"},{"n":"+3"}],"ok":true}');
    assert.equal(stats.records, 3);
    assert.equal(stats.passed, 3);
    assert.equal(stats.stripped, 3);
  });

  it('strips only at the top level of a record, and names written with escapes too', () => {
    const body = '{"contacts":[{"\\u0070hoto":1,"x":{"photo":2},"photo":3}]}';
    assert.equal(
      run({ records: '/contacts', strip: ['photo'] }, body).out,
      '{"contacts":[{"x":{"photo":2}}]}',
    );
  });

  it('caps records at maxRecords, still closing the array and counting the dropped', () => {
    const { out, stats } = run({ records: '/contacts', maxRecords: 2 }, CONTACTS, 5);
    assert.equal(
      out,
      '{"contacts":[{"n":"+1","photo":"p1","about":"a1"},{"n":"+2","about":"a2"}],"ok":true}',
    );
    assert.deepEqual([stats.records, stats.passed, stats.dropped], [3, 2, 1]);
    assert.equal(run({ records: '/contacts', maxRecords: 0 }, CONTACTS).out, '{"contacts":[],"ok":true}');
  });

  it('stops adding records at the first that would exceed maxBytes (commas counted)', () => {
    // {"n":"+1"} is 10 bytes; two with a comma are 21.
    const body = '{"contacts":[{"n":"+1"},{"n":"+2"},{"n":"+3"}]}';
    assert.equal(
      run({ records: '/contacts', maxBytes: 21 }, body).out,
      '{"contacts":[{"n":"+1"},{"n":"+2"}]}',
    );
    assert.equal(run({ records: '/contacts', maxBytes: 20 }, body).out, '{"contacts":[{"n":"+1"}]}');
    const mixed = '{"contacts":[{"n":"+1"},{"n":"+22222"},{"n":"+3"}]}';
    assert.equal(run({ records: '/contacts', maxBytes: 21 }, mixed).out, '{"contacts":[{"n":"+1"}]}');
  });

  it('keeps untouched members byte for byte, so 64-bit ids are not rounded', () => {
    const body = '{"contacts":[{"id":12345678901234567890,"x":1.50,"photo":"p"}]}';
    const { out } = run({ records: '/contacts', strip: ['photo'] }, body, 1);
    assert.equal(out, '{"contacts":[{"id":12345678901234567890,"x":1.50}]}');
  });

  it('passes records that are not objects as they are', () => {
    const body = '{"contacts":[ 1 , "two" ,[3], null ]}';
    assert.equal(run({ records: '/contacts', strip: ['a'] }, body, 2).out, '{"contacts":[1,"two",[3],null]}');
  });

  it('follows nested pointers with indexes and escaped names (RFC 6901)', () => {
    const body = '{"data":[{"a/b":[{"photo":1,"n":1}]},{"a/b":[{"photo":2}]}],"a/b":[{"photo":3}]}';
    const { out, stats } = run({ records: '/data/0/a~1b', strip: ['photo'] }, body, 4);
    assert.equal(out, '{"data":[{"a/b":[{"n":1}]},{"a/b":[{"photo":2}]}],"a/b":[{"photo":3}]}');
    assert.equal(stats.records, 1);
  });

  it('filters a duplicated records name twice, under one shared budget', () => {
    const body = '{"contacts":[{"n":1,"photo":1}],"contacts":[{"n":2,"photo":2},{"n":3}]}';
    const { out, stats } = run({ records: '/contacts', strip: ['photo'], maxRecords: 2 }, body);
    assert.equal(out, '{"contacts":[{"n":1}],"contacts":[{"n":2}]}');
    assert.deepEqual([stats.records, stats.passed], [3, 2]);
  });

  it('refuses a records pointer that names a non-array', () => {
    fails(
      { records: '/contacts' },
      '{"contacts":{"n":1}}',
      /"\/contacts" names an object, not an array, at byte 12/,
    );
    fails({ records: '/contacts' }, '{"contacts":"x"}', /names a string/);
  });

  it('refuses a record over maxRecordBytes, as soon as it outgrows it', () => {
    const body = `{"contacts":[{"n":1},{"photo":"${'x'.repeat(200)}"}]}`;
    fails(
      { records: '/contacts', maxRecordBytes: 100 },
      body,
      /record 2 at byte 21 is larger than maxRecordBytes \(100\)/,
    );
    fails({ records: '/contacts', maxRecordBytes: 100 }, body, /record 2 at byte 21/, 7);
    // A record that is dropped anyway is not kept, but the bound still holds.
    fails({ records: '/contacts', maxRecordBytes: 100, maxRecords: 1 }, body, /record 2/, 7);
  });

  it('refuses malformed JSON, invalid UTF-8 and a body that ends early, naming the byte', () => {
    fails(
      { records: '/contacts' },
      '{"contacts":[{"n":1,}]}',
      /malformed JSON at byte 20: unexpected .}., expected .". starting a member name/,
    );
    fails(
      { records: '/contacts' },
      Uint8Array.from([...enc('{"contacts":["'), 0xff, 0x22, 0x5d, 0x7d]),
      /byte 14: invalid UTF-8/,
    );
    fails(
      { records: '/contacts' },
      '{"contacts":[{"n":"+1"',
      /body ended early at byte 22: with 3 unclosed containers/,
      3,
    );
    fails({ records: '/contacts' }, '{"contacts":[{"n":"+1', /body ended early at byte 21: inside a string/);
  });

  it('refuses deep nesting outside the records array without growing memory', () => {
    fails(
      { records: '/contacts', maxDepth: 100 },
      '{"a":' + '['.repeat(500_000),
      /nesting deeper than 100 levels/,
    );
  });

  it('streams a huge string outside the records array without keeping it', () => {
    const big = 'x'.repeat(20_000_000);
    const { stats } = run(
      { records: '/contacts', maxRecordBytes: 1000 },
      `{"blob":"${big}","contacts":[]}`,
      65536,
    );
    assert.equal(stats.bytesOut, stats.bytesIn);
  });

  it('fails every later call once it has failed', () => {
    const filter = createEgressFilter({ records: '/contacts' });
    assert.throws(() => filter.write(enc('{]')), /malformed JSON at byte 1/);
    assert.throws(() => filter.write(enc('{}')), /malformed JSON at byte 1/);
    assert.throws(() => filter.end(), /malformed JSON at byte 1/);
  });

  it('refuses a configuration compilePolicy would have refused, as an enumguard bug (ERR_INTERNAL)', () => {
    const bad: EgressConfig[] = [
      { records: 'contacts' },
      { records: '' },
      { records: '/a~2' },
      { records: '/c', maxRecords: -1 },
      { records: '/c', maxRecordBytes: 0 },
      { records: '/c', maxBytes: 1.5 },
    ];
    for (const config of bad)
      assert.throws(
        () => createEgressFilter(config),
        (e: unknown) => isEnumguardError(e, 'ERR_INTERNAL'),
      );
  });
});
