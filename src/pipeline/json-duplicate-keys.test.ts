import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findDuplicateKey, pathPrefixes } from './json-duplicate-keys.ts';

const at = (text: string, ...pointers: string[]) => findDuplicateKey(text, pathPrefixes(pointers));

describe('findDuplicateKey', () => {
  it('finds a duplicate key at the top level', () => {
    assert.equal(at('{"numbers":[1],"numbers":["+1","+2"]}', '/numbers'), '');
    assert.equal(at('{"a":1, "b":"x", "a":2}', '/numbers'), '');
  });

  it('compares keys after unescaping', () => {
    assert.equal(at('{"numbers":[1],"num\\u0062ers":[2]}', '/numbers'), '');
    assert.equal(at('{"a\\"b":1,"a\\u0022b":2}', '/x'), '');
  });

  it('finds duplicates in nested objects on the path, array indices included', () => {
    assert.equal(at('{"q":{"n":[1],"n":[2]}}', '/q/n'), '/q');
    assert.equal(at('{"q":[{"n":1},{"n":[1],"n":[2]}]}', '/q/1/n'), '/q/1');
    assert.equal(at('{"a~b":{"x":1,"x":2}}', '/a~0b/x'), '/a~0b');
  });

  it('ignores objects off the path and string contents', () => {
    assert.equal(at('{"meta":{"x":1,"x":2},"numbers":["{\\"numbers\\":1}"]}', '/numbers'), undefined);
    assert.equal(at('{"q":[{"n":1,"n":2},{"n":[1]}]}', '/q/1/n'), undefined);
    assert.equal(at('{"numbers":["a","a"],"other":{"numbers":1}}', '/numbers'), undefined);
    assert.equal(at('[1,2]', '/numbers'), undefined);
  });
});

describe('pathPrefixes', () => {
  it('lists every container on the way', () => {
    assert.deepEqual([...pathPrefixes(['/a/b', '/c'])].sort(), ['', '/a', '/a/b', '/c']);
  });
});
