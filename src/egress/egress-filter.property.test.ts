import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isEnumguardError } from '../core/errors.ts';
import { resolvePointer } from '../pipeline/json-pointer.ts';
import { createEgressFilter, type EgressStats } from './egress-filter.ts';
import type { EgressConfig } from './config.ts';

const STRIP = ['photo', 'about'];

/** A contact-like record, or any JSON value (the array may hold anything). */
const record = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record(
      { n: fc.string(), photo: fc.jsonValue(), about: fc.string(), x: fc.jsonValue() },
      { requiredKeys: ['n'] },
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/** A document with its records at /contacts or /data/contacts, and anything around them. */
const documents = fc
  .record({
    nested: fc.boolean(),
    before: fc.jsonValue({ maxDepth: 3 }),
    after: fc.jsonValue({ maxDepth: 3 }),
    contacts: fc.array(record, { maxLength: 12 }),
  })
  .map(({ nested, before, after, contacts }) => {
    const inner = { before, contacts, after };
    return nested
      ? { pointer: '/data/contacts', parent: '/data', doc: { id: 1, data: inner } }
      : { pointer: '/contacts', parent: '', doc: inner };
  });

const caps = fc.record({
  maxRecords: fc.option(fc.nat(14), { nil: undefined }),
  maxBytes: fc.option(fc.nat(600), { nil: undefined }),
});

function filter(config: EgressConfig, body: Uint8Array, cuts: number[]): { out: Buffer; stats: EgressStats } {
  const f = createEgressFilter(config);
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (const cut of [...cuts, body.length].sort((a, b) => a - b)) {
    chunks.push(...f.write(body.subarray(at, Math.max(at, cut))));
    at = Math.max(at, cut);
  }
  chunks.push(...f.end());
  return { out: Buffer.concat(chunks), stats: f.stats() };
}

/** The same transform the simple way: parse it all, strip, cap, count. */
function expected(doc: unknown, parent: string, maxRecords = Infinity, maxBytes = Infinity) {
  const copy = JSON.parse(JSON.stringify(doc)) as unknown;
  const holder = resolvePointer(copy, parent) as { contacts: unknown[] };
  const kept: unknown[] = [];
  let used = 0;
  let stripped = 0;
  for (const r of holder.contacts) {
    if (kept.length >= maxRecords) break;
    let removed = 0;
    if (r !== null && typeof r === 'object' && !Array.isArray(r)) {
      for (const name of STRIP)
        if (Object.hasOwn(r, name) && delete (r as Record<string, unknown>)[name]) removed++;
    }
    const cost = Buffer.byteLength(JSON.stringify(r)) + (kept.length > 0 ? 1 : 0);
    if (used + cost > maxBytes) break;
    used += cost;
    stripped += removed;
    kept.push(r);
  }
  const records = holder.contacts.length;
  holder.contacts = kept;
  return { doc: copy, records, passed: kept.length, stripped };
}

describe('createEgressFilter (properties)', () => {
  it('gives the same output for any split, equal to parse-strip-cap-serialize', () => {
    fc.assert(
      fc.property(
        documents,
        caps,
        fc.array(fc.nat(), { maxLength: 10 }),
        ({ pointer, parent, doc }, cap, seeds) => {
          const body = Buffer.from(JSON.stringify(doc));
          const cuts = seeds.map((s) => s % (body.length + 1));
          const config = { records: pointer, strip: STRIP, ...cap };
          const whole = filter(config, body, []);
          const split = filter(config, body, cuts);
          assert.deepEqual(split.out, whole.out);
          const want = expected(doc, parent, cap.maxRecords, cap.maxBytes);
          assert.deepEqual(JSON.parse(whole.out.toString('utf8')), want.doc);
          assert.deepEqual(split.stats, {
            records: want.records,
            passed: want.passed,
            dropped: want.records - want.passed,
            stripped: want.stripped,
            bytesIn: body.length,
            bytesOut: whole.out.length,
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('handles indented bodies the same way', () => {
    fc.assert(
      fc.property(
        documents,
        fc.nat(14),
        fc.array(fc.nat(), { maxLength: 6 }),
        ({ pointer, parent, doc }, maxRecords, seeds) => {
          const body = Buffer.from(JSON.stringify(doc, null, 2));
          const cuts = seeds.map((s) => s % (body.length + 1));
          const { out } = filter({ records: pointer, strip: STRIP, maxRecords }, body, cuts);
          assert.deepEqual(JSON.parse(out.toString('utf8')), expected(doc, parent, maxRecords).doc);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('meets damaged bodies with ERR_UPSTREAM_BODY or a valid answer, never a crash', () => {
    fc.assert(
      fc.property(
        documents,
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        ({ pointer, doc }, at, byte, seeds) => {
          const body = Buffer.from(JSON.stringify(doc));
          body[at % body.length] = byte;
          const cuts = seeds.map((s) => s % (body.length + 1));
          let valid = true;
          try {
            JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
          } catch {
            valid = false;
          }
          try {
            const { out } = filter({ records: pointer, strip: STRIP, maxRecords: 3 }, body, cuts);
            assert.ok(valid, 'accepted a body JSON.parse refuses');
            JSON.parse(out.toString('utf8'));
          } catch (err) {
            if (err instanceof assert.AssertionError) throw err;
            assert.ok(isEnumguardError(err, 'ERR_UPSTREAM_BODY'), String(err));
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
