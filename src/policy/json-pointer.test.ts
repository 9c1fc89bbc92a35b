import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseJsonPointer, pointerTokens } from './json-pointer.ts';

describe('parseJsonPointer', () => {
  it('accepts pointers with RFC 6901 escapes', () => {
    assert.deepEqual(parseJsonPointer('/numbers'), { ok: true, value: '/numbers' });
    assert.deepEqual(parseJsonPointer('/a~1b/~0c/0'), { ok: true, value: '/a~1b/~0c/0' });
  });

  it('refuses a pointer without the leading "/" and the whole-document pointer', () => {
    assert.deepEqual(parseJsonPointer('numbers'), {
      ok: false,
      error: 'expected a JSON pointer like "/numbers" (RFC 6901), got "numbers"',
    });
    assert.equal(parseJsonPointer('').ok, false);
  });

  it('refuses a "~" that is not "~0" or "~1"', () => {
    assert.deepEqual(parseJsonPointer('/a~'), {
      ok: false,
      error: 'invalid JSON pointer "/a~": "~" must be followed by "0" or "1" (RFC 6901)',
    });
  });
});

describe('pointerTokens', () => {
  it('unescapes "~1" before "~0", so "~01" is a literal "~1"', () => {
    assert.deepEqual(pointerTokens('/a~1b/~01/0'), ['a/b', '~1', '0']);
  });
});
