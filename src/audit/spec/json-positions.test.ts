import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LineCounter, parseDocument } from 'yaml';
import { jsonPositions } from './json-positions.ts';
import { yamlPositions, yamlValueAndPositions } from './yaml-positions.ts';

describe('jsonPositions', () => {
  it('maps each member and element to the line and column where it starts', () => {
    const text =
      '{\n  "paths": {\n    "/a/{id}": {\n      "get": { "x": [1, {"y~z": "a\\"b"}] }\n    }\n  }\n}\n';
    const at = jsonPositions(text);
    assert.deepEqual(at.get('/paths'), { line: 2, column: 3 });
    assert.deepEqual(at.get('/paths/~1a~1{id}'), { line: 3, column: 5 });
    assert.deepEqual(at.get('/paths/~1a~1{id}/get'), { line: 4, column: 7 });
    assert.deepEqual(at.get('/paths/~1a~1{id}/get/x/1'), { line: 4, column: 25 });
    assert.deepEqual(at.get('/paths/~1a~1{id}/get/x/1/y~0z'), { line: 4, column: 26 });
    assert.equal(at.size, 8);
  });

  it('handles empty containers and a nested depth no call stack would take', () => {
    const deep = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;
    assert.equal(jsonPositions(deep).get(`/0`.repeat(4_999))?.column, 5_000);
    assert.deepEqual([...jsonPositions('{"a":{},"b":[]}').keys()], ['', '/a', '/b']);
  });
});

describe('yamlPositions', () => {
  it('maps keys and sequence items to their line, without following aliases', () => {
    const text = 'paths:\n  /a:\n    get: &op\n      tags: [x, y]\n  /b:\n    get: *op\n';
    const lines = new LineCounter();
    const at = yamlPositions(parseDocument(text, { lineCounter: lines }), lines);
    assert.deepEqual(at.get('/paths/~1a/get'), { line: 3, column: 5 });
    assert.deepEqual(at.get('/paths/~1a/get/tags/1'), { line: 4, column: 17 });
    assert.deepEqual(at.get('/paths/~1b/get'), { line: 6, column: 5 });
    assert.equal(at.get('/paths/~1b/get/tags'), undefined);
  });
});

describe('yamlValueAndPositions', () => {
  const read = (text: string) => {
    const lines = new LineCounter();
    return yamlValueAndPositions(parseDocument(text, { lineCounter: lines }), lines, 'x.yaml');
  };

  it('gives an alias the latest anchor before it, shared, and keeps "__proto__" as data', () => {
    const { value } = read('a: &p { n: 1 }\nb: *p\nc: &p { n: 2 }\nd: *p\n__proto__: { polluted: true }\n');
    const v = value as Record<string, { n: number }>;
    assert.equal(v.b, v.a);
    assert.equal(v.d?.n, 2);
    assert.equal(Object.getPrototypeOf(v), Object.prototype);
    assert.deepEqual(Object.keys(v), ['a', 'b', 'c', 'd', '__proto__']);
  });

  it('refuses an alias inside the node it names, with its line', () => {
    assert.throws(
      () => read('a: &x\n  b: *x\n'),
      /^EnumguardError: x\.yaml:2:6 the alias \*x refers to a node that contains it/,
    );
  });
});
