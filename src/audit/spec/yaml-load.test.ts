import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { LineCounter, parseDocument } from 'yaml';
import { isEnumguardError } from '../../core/errors.ts';
import { parseYaml, parseYamlFast, type ParsedYaml } from './yaml-load.ts';
import { yamlValueAndPositions } from './yaml-positions.ts';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/audit');

/** The `yaml` Document path, which parseYaml's fast path must agree with. */
function viaDocument(text: string) {
  const lines = new LineCounter();
  return yamlValueAndPositions(
    parseDocument(text, { lineCounter: lines, uniqueKeys: true }),
    lines,
    'x.yaml',
  );
}

function assertSameAsDocument(text: string): void {
  const fast = parseYamlFast('x.yaml', text);
  assert.ok(fast !== undefined, 'js-yaml reads it, so the fast path is what is compared');
  const slow = viaDocument(text);
  assert.deepEqual(fast.value, slow.value);
  const pointers = [...(slow.positions as Map<string, unknown>).keys()];
  assert.ok(pointers.length > 5, 'the sample has positions to compare');
  for (const pointer of pointers)
    assert.deepEqual(fast.positions.get(pointer), slow.positions.get(pointer), pointer);
}

describe('parseYaml', () => {
  it('gives the value and the line and column of every key and item that the yaml Document gives', () => {
    assertSameAsDocument(
      [
        'openapi: 3.0.3',
        'paths:',
        '  "/users/{id}":',
        '    get: &op',
        '      summary: |',
        '        Looks a user up.',
        '      \'x-tags\': [a, "b c", {d: e}]',
        '      responses:',
        '        200: { description: ok }',
        '        "404": >-',
        '          folded',
        '  /b/~x:',
        '    get: *op',
        '  /é😀: { get: { description: "ü" } }',
        'list:',
        '  - plain',
        '    continued',
        '  - !!str 5',
        '  - &s anchored',
        '  - *s',
        '~: null key',
        '',
      ].join('\n'),
    );
  });

  it('counts lines by "\\n" alone, as before, for CRLF files', () => {
    assertSameAsDocument('a:\r\n  b: 1\r\n  c:\r\n    - d\r\n    - "e"\r\n  f: [1, 2]\r\n');
  });

  it('finds a pointer through escaped tokens and keeps no position below an alias', () => {
    const { positions } = parseYaml(
      'x.yaml',
      'paths:\n  /a/{id}:\n    get: &op\n      tags: [x]\n  /b:\n    get: *op\n',
    );
    assert.deepEqual(positions.get('/paths/~1a~1{id}/get/tags/0'), { line: 4, column: 14 });
    assert.deepEqual(positions.get('/paths/~1b/get'), { line: 6, column: 5 });
    assert.equal(positions.get('/paths/~1b/get/tags'), undefined);
    assert.equal(positions.get('/paths/~1c'), undefined);
    assert.equal(positions.get('/paths/~1a~1{id}/get/tags/01'), undefined);
    assert.equal(positions.has('/paths'), true);
    assert.equal(positions.has('/nowhere'), false);
  });

  it('shares an alias with the latest anchor before it and keeps "__proto__" as data', () => {
    const { value } = parseYaml(
      'x.yaml',
      'a: &p { n: 1 }\nb: *p\nc: &p { n: 2 }\nd: *p\n__proto__: { polluted: true }\n',
    );
    const v = value as Record<string, { n: number }>;
    assert.equal(v.b, v.a);
    assert.equal(v.d?.n, 2);
    assert.equal(Object.getPrototypeOf(v), Object.prototype);
    assert.deepEqual(Object.keys(v), ['a', 'b', 'c', 'd', '__proto__']);
  });

  it('refuses an alias inside the node it names with the message the yaml path gives', () => {
    const text = 'a: &x\n  b: *x\n';
    const message = (f: () => unknown): string => {
      try {
        f();
      } catch (err) {
        assert.ok(isEnumguardError(err, 'ERR_SPEC_INVALID'));
        return err.message;
      }
      assert.fail('no error');
    };
    const fast = message(() => parseYaml('x.yaml', text));
    assert.equal(
      fast,
      'x.yaml:2:6 the alias *x refers to a node that contains it: a spec cannot be recursive',
    );
    assert.equal(
      fast,
      message(() => viaDocument(text)),
    );
  });

  it('names invalid YAML as the yaml package does: duplicate keys, bad syntax, an empty key', () => {
    const cases: [string, string][] = [
      ['a: 1\ninfo:\n  t: x\n  t: y\n', 'x.yaml:4:3 is not valid YAML: Map keys must be unique'],
      ['a:\n\tb: 1\n', 'x.yaml:2:1 is not valid YAML: '],
      [
        'a:\n  b:\n  : c: d\n',
        'x.yaml:3:5 is not valid YAML: Nested mappings are not allowed in compact mappings',
      ],
      ['a: 1\n---\nb: 2\n', 'x.yaml:2:1 is not valid YAML: '],
    ];
    for (const [text, start] of cases) {
      assert.throws(
        () => parseYaml('x.yaml', text),
        (err: unknown) => isEnumguardError(err, 'ERR_SPEC_INVALID') && err.message.startsWith(start),
        JSON.stringify(text),
      );
    }
  });

  it('still reads what only the yaml package takes: a complex key, an undefined alias', () => {
    assert.equal(parseYamlFast('x.yaml', '? [a, b]\n: 1\n'), undefined);
    assert.equal(parseYamlFast('x.yaml', 'a: *nowhere\n'), undefined);
    assert.deepEqual(parseYaml('x.yaml', '? [a, b]\n: 1\nc: 2\n').value, { '["a","b"]': 1, c: 2 });
    const { value, positions } = parseYaml('x.yaml', 'a: *nowhere\nb: [1]\n');
    assert.deepEqual(value, { a: null, b: [1] });
    assert.deepEqual(positions.get('/b/0'), { line: 2, column: 5 });
  });
});

describe('parseYaml against the yaml Document on mutated specs', () => {
  const bases = ['guarded-lookups.yaml', 'phone-batch-open.yaml', 'existence-and-availability.yaml'].map(
    (f) => readFileSync(join(FIXTURES, f), 'utf8'),
  );
  // Fragments that break YAML in the ways hand edits do: indentation, tabs, stray indicators,
  // unclosed quotes and flows, anchors and aliases, duplicated lines (duplicate keys).
  const fragments = [
    ':',
    '- ',
    '\t',
    '"',
    "'",
    ' ',
    '\n',
    '{',
    '}',
    '[',
    ']',
    '&a ',
    '*a',
    '# ',
    '? ',
    '|',
    '>',
    ',',
    '!!int ',
    '  ',
    'x: y\n',
  ];
  const edit = fc.record({
    at: fc.nat(),
    kind: fc.constantFrom('delete', 'insert', 'duplicate-line'),
    fragment: fc.constantFrom(...fragments),
  });

  /** What the `yaml` path made of a text before js-yaml: its value and positions, or its message. */
  const viaDocumentOrError = (text: string): { value: unknown; positions: Map<string, unknown> } | string => {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const error = doc.errors[0];
    try {
      if (error === undefined) {
        const { value, positions } = yamlValueAndPositions(doc, lines, 'x.yaml');
        return { value, positions: positions as Map<string, unknown> };
      }
    } catch (err) {
      return (err as Error).message;
    }
    const { line, col } = lines.linePos(error.pos[0]);
    return `x.yaml:${line}:${col} is not valid YAML: ${error.message.split('\n')[0]}`;
  };

  it('reads the same value, positions and errors for 300 mutations', () => {
    fc.assert(
      fc.property(fc.nat(bases.length - 1), fc.array(edit, { minLength: 1, maxLength: 3 }), (base, edits) => {
        let text = bases[base] as string;
        for (const e of edits) {
          const at = e.at % (text.length + 1);
          if (e.kind === 'delete') text = text.slice(0, at) + text.slice(at + 1);
          else if (e.kind === 'insert') text = text.slice(0, at) + e.fragment + text.slice(at);
          else {
            const lines = text.split('\n');
            const i = at % lines.length;
            lines.splice(i, 0, lines[i] as string);
            text = lines.join('\n');
          }
        }
        const before = viaDocumentOrError(text);
        let now: ParsedYaml | string;
        try {
          now = parseYaml('x.yaml', text);
        } catch (err) {
          now = (err as Error).message;
        }
        if (typeof before === 'string' || typeof now === 'string') {
          assert.equal(now, before);
          return;
        }
        assert.deepEqual(now.value, before.value);
        for (const [pointer, at] of before.positions)
          assert.deepEqual(now.positions.get(pointer), at, pointer);
      }),
      { seed: 15, numRuns: 300 },
    );
  });
});
