import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolvePointer } from './json-pointer.ts';

describe('resolvePointer', () => {
  const doc = { numbers: ['+1', '+2'], 'a/b': { 'm~n': 7 }, nested: { list: [{ x: 1 }] } };

  it('finds members, array elements and escaped names (RFC 6901)', () => {
    assert.deepEqual(resolvePointer(doc, '/numbers'), ['+1', '+2']);
    assert.equal(resolvePointer(doc, '/numbers/1'), '+2');
    assert.equal(resolvePointer(doc, '/a~1b/m~0n'), 7);
    assert.equal(resolvePointer(doc, '/nested/list/0/x'), 1);
    assert.equal(resolvePointer(doc, ''), doc);
  });

  it('returns undefined for missing steps, bad indexes and inherited names', () => {
    assert.equal(resolvePointer(doc, '/missing'), undefined);
    assert.equal(resolvePointer(doc, '/numbers/01'), undefined);
    assert.equal(resolvePointer(doc, '/numbers/-'), undefined);
    assert.equal(resolvePointer(doc, '/numbers/0/deeper'), undefined);
    assert.equal(resolvePointer(doc, '/toString'), undefined);
    assert.equal(resolvePointer(null, '/x'), undefined);
  });
});
