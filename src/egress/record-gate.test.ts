import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EgressConfig } from './config.ts';
import { createEgressFilter, type EgressStats } from './egress-filter.ts';
import { filterValue } from './egress-value.ts';
import { gatedValue, type RecordGate } from './record-gate.ts';

/** A gate that admits the listed values and remembers every value it was asked about. */
function gateOf(admitted: readonly unknown[], member = 'number'): RecordGate & { asked: unknown[] } {
  const asked: unknown[] = [];
  return {
    member,
    asked,
    admit(value) {
      asked.push(value);
      return admitted.includes(value);
    },
  };
}

interface Filtered {
  readonly value: unknown;
  readonly stats: EgressStats;
}

/** The streaming filter over `doc`'s JSON text cut into chunks of `size` bytes, parsed back. */
function streamed(doc: unknown, config: EgressConfig, gate: RecordGate, size = Infinity): Filtered {
  const bytes = Buffer.from(JSON.stringify(doc));
  const filter = createEgressFilter(config, gate);
  const out: Uint8Array[] = [];
  const step = Math.min(size, bytes.length);
  for (let at = 0; at < bytes.length; at += step) out.push(...filter.write(bytes.subarray(at, at + step)));
  out.push(...filter.end());
  return { value: JSON.parse(Buffer.concat(out).toString('utf8')) as unknown, stats: filter.stats() };
}

const FILTERS: Record<string, (doc: unknown, config: EgressConfig, gate: RecordGate) => Filtered> = {
  'the stream filter': (doc, config, gate) => streamed(doc, config, gate),
  'the stream filter, a byte at a time': (doc, config, gate) => streamed(doc, config, gate, 1),
  'the value filter': (doc, config, gate) => filterValue(doc, config, gate),
};

const rec = (n: number) => ({ number: `+1555000000${n}`, name: `n${n}` });
const num = (n: number) => rec(n).number;
const DOC = { contacts: [rec(1), rec(2), rec(3), rec(4)], more: true };

/** A count in stats, leaving out the byte counts the value filter does not keep. */
const counts = ({ records, passed, dropped, stripped }: EgressStats) => ({
  records,
  passed,
  dropped,
  stripped,
});

for (const [name, filter] of Object.entries(FILTERS)) {
  describe(`a record gate on ${name}`, () => {
    it('passes the records it admits and withholds the others, in order', () => {
      const gate = gateOf([num(2), num(4)]);
      const { value, stats } = filter(DOC, { records: '/contacts' }, gate);
      assert.deepEqual(value, { contacts: [rec(2), rec(4)], more: true });
      assert.deepEqual(gate.asked, [num(1), num(2), num(3), num(4)]);
      // Gated records were revealed by the upstream, but not passed.
      assert.deepEqual(counts(stats), { records: 4, passed: 2, dropped: 2, stripped: 0 });
    });

    it('withholds every record when it admits none, and still closes the array', () => {
      const { value, stats } = filter(DOC, { records: '/contacts' }, gateOf([]));
      assert.deepEqual(value, { contacts: [], more: true });
      assert.deepEqual(counts(stats), { records: 4, passed: 0, dropped: 4, stripped: 0 });
    });

    it('is asked only until maxRecords have passed', () => {
      const gate = gateOf([num(2), num(3), num(4)]);
      const { value, stats } = filter(DOC, { records: '/contacts', maxRecords: 2 }, gate);
      assert.deepEqual(value, { contacts: [rec(2), rec(3)], more: true });
      // Record 1 was refused by the gate; 4 would not fit maxRecords, so the gate never saw it.
      assert.deepEqual(gate.asked, [num(1), num(2), num(3)]);
      assert.equal(stats.passed, 2);
    });

    it('is never asked about a record past maxBytes, and refused records spend no bytes', () => {
      const one = Buffer.byteLength(JSON.stringify(rec(1)));
      // Room for two records and the comma between them.
      const config = { records: '/contacts', maxBytes: 2 * one + 1 };
      const gate = gateOf([num(2), num(3), num(4)]);
      const { value } = filter(DOC, config, gate);
      assert.deepEqual(value, { contacts: [rec(2), rec(3)], more: true });
      assert.deepEqual(gate.asked, [num(1), num(2), num(3)]);
      const tight = gateOf([num(1), num(2)]);
      filter(DOC, { records: '/contacts', maxBytes: one - 1 }, tight);
      assert.deepEqual(tight.asked, []);
    });

    it('decides on the member before stripping removes it', () => {
      const gate = gateOf([num(3)]);
      const { value, stats } = filter(DOC, { records: '/contacts', strip: ['number'] }, gate);
      assert.deepEqual(value, { contacts: [{ name: 'n3' }], more: true });
      assert.equal(gate.asked.length, 4);
      assert.deepEqual(counts(stats), { records: 4, passed: 1, dropped: 3, stripped: 1 });
    });

    it('gives the member as it is, and undefined for a record without it or not an object', () => {
      const doc = { contacts: [{ number: 42 }, { name: 'x' }, 'text', [1], null] };
      const gate = gateOf([42, undefined]);
      const { value } = filter(doc, { records: '/contacts' }, gate);
      assert.deepEqual(gate.asked, [42, undefined, undefined, undefined, undefined]);
      assert.deepEqual(value, doc);
    });

    it('is not asked when the answer has no records array', () => {
      const gate = gateOf([]);
      const { value } = filter({ other: [rec(1)] }, { records: '/contacts' }, gate);
      assert.deepEqual(value, { other: [rec(1)] });
      assert.deepEqual(gate.asked, []);
    });
  });
}

describe('the stream filter with a record gate', () => {
  it('reads a record split across chunks at every byte, the same as in one piece', () => {
    const doc = { contacts: [rec(1), { number: num(2), about: 'ä "quoted" \\ text' }, rec(3)] };
    const whole = streamed(doc, { records: '/contacts' }, gateOf([num(2), num(3)]));
    for (let size = 1; size <= 24; size++) {
      const gate = gateOf([num(2), num(3)]);
      const cut = streamed(doc, { records: '/contacts' }, gate, size);
      assert.deepEqual(cut.value, whole.value, `chunks of ${size}`);
      assert.deepEqual(gate.asked, [num(1), num(2), num(3)], `chunks of ${size}`);
    }
    assert.deepEqual(whole.value, { contacts: doc.contacts.slice(1) });
  });
});

describe('gatedValue', () => {
  it("reads a record's own member only", () => {
    assert.equal(gatedValue({ number: '+1' }, 'number'), '+1');
    assert.equal(gatedValue(Object.create({ number: '+1' }), 'number'), undefined);
    assert.equal(gatedValue(['+1'], '0'), undefined);
    assert.equal(gatedValue(null, 'number'), undefined);
  });
});
