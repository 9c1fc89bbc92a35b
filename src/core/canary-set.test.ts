import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createCanarySet } from './canary-set.ts';
import { isEnumguardError } from './errors.ts';

describe('createCanarySet', () => {
  it('answers membership for 15-digit numbers, past 2^32', () => {
    const set = createCanarySet([447700900123, 12125550150, 999_999_999_999_999, 12125550150]);
    assert.equal(set.size, 3);
    assert.ok(set.has(447700900123));
    assert.ok(set.has(999_999_999_999_999));
    assert.ok(!set.has(447700900124));
    // Same low 32 bits as a member, different high bits.
    assert.ok(!set.has(447700900123 + 4294967296));
    assert.deepEqual(set.values(), [12125550150, 447700900123, 999_999_999_999_999]);
  });

  it('finds nothing in an empty set and never matches NaN or non-numbers', () => {
    const empty = createCanarySet([]);
    assert.ok(!empty.has(12125550150));
    const set = createCanarySet([12125550150]);
    for (const v of [Number.NaN, -1, 0.5, Infinity, -Infinity]) assert.ok(!set.has(v));
  });

  it('hits: each canary once, in order of first appearance; no hit shares one empty array', () => {
    const set = createCanarySet([3, 1, 2]);
    assert.deepEqual(set.hits([9, 2, 1, 2, 8, 3, 1]), [2, 1, 3]);
    const none1 = set.hits([7, 8]);
    assert.equal(none1.length, 0);
    assert.equal(set.hits(new Float64Array([4, 5])), none1);
  });

  it('rejects members that are not non-negative whole numbers', () => {
    for (const bad of [Number.NaN, -1, 1.5, 2 ** 60]) {
      assert.throws(
        () => createCanarySet([1, bad]),
        (e: unknown) => isEnumguardError(e, 'ERR_CONFIG'),
      );
    }
  });

  it('agrees with Set on members and arbitrary probes (property)', () => {
    const num = fc.oneof(
      fc.integer({ min: 0, max: 5000 }),
      fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    );
    fc.assert(
      fc.property(fc.array(num, { maxLength: 300 }), fc.array(num, { maxLength: 300 }), (members, probes) => {
        const set = createCanarySet(members);
        const ref = new Set(members);
        assert.equal(set.size, ref.size);
        for (const n of [...members, ...probes]) assert.equal(set.has(n), ref.has(n));
        const expected = [...new Set([...probes, ...members].filter((n) => ref.has(n)))];
        assert.deepEqual(set.hits([...probes, ...members]), expected);
      }),
    );
  });
});
