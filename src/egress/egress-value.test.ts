import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createEgressFilter } from './egress-filter.ts';
import { filterValue } from './egress-value.ts';
import type { EgressConfig } from './config.ts';

/** The streaming filter over the value's JSON text, parsed back: the reference for filterValue. */
function streamed(value: unknown, config: EgressConfig): { value: unknown; records: number } {
  const filter = createEgressFilter(config);
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  const out = [...filter.write(bytes), ...filter.end()];
  const text = Buffer.concat(out.map((c) => Buffer.from(c))).toString('utf8');
  return { value: JSON.parse(text) as unknown, records: filter.stats().records };
}

const record = fc.record(
  {
    accountId: fc.string({ maxLength: 8 }),
    photo: fc.string({ maxLength: 20 }),
    about: fc.string({ maxLength: 20 }),
    n: fc.integer(),
  },
  { requiredKeys: ['accountId'] },
);

describe('filterValue', () => {
  it('answers as the streaming filter does, for any records, strip and caps', () => {
    fc.assert(
      fc.property(
        fc.array(record, { maxLength: 30 }),
        fc.subarray(['photo', 'about', 'n']),
        fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
        fc.option(fc.integer({ min: 0, max: 2000 }), { nil: undefined }),
        (contacts, strip, maxRecords, maxBytes) => {
          const config: EgressConfig = { records: '/contacts', strip, maxRecords, maxBytes };
          const doc = { contacts, removed: ['x'] };
          const got = filterValue(doc, config);
          const want = streamed(doc, config);
          assert.deepEqual(JSON.parse(JSON.stringify(got.value)), want.value);
          assert.equal(got.stats.records, want.records);
        },
      ),
    );
  });

  it('leaves the input untouched and returns it as is when nothing changes', () => {
    const doc = { contacts: [{ accountId: 'a', photo: 'p' }] };
    assert.equal(filterValue(doc, { records: '/contacts' }).value, doc);
    const stripped = filterValue(doc, { records: '/contacts', strip: ['photo'] });
    assert.deepEqual(stripped.value, { contacts: [{ accountId: 'a' }] });
    assert.deepEqual(doc, { contacts: [{ accountId: 'a', photo: 'p' }] });
  });

  it('counts no records when the pointer finds no array', () => {
    assert.equal(filterValue({ contacts: 3 }, { records: '/contacts' }).stats.records, 0);
    assert.equal(filterValue('text', { records: '/contacts' }).stats.records, 0);
  });
});
