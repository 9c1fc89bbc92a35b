import type { Rng } from '../../src/core/rng.ts';
import { pick } from './fuzz-rng.ts';

/**
 * Mutations of a policy's YAML text, each a small hostile edit: what a typo, a bad merge, a
 * copy from a web page or someone probing the loader would produce.
 */
export type TextMutation = (text: string, rng: Rng) => string;

/** Scalars that break naive number, string and duration handling. */
export const HOSTILE_SCALARS: readonly string[] = [
  '0',
  '-1',
  '-0',
  '1e308',
  '1e309',
  '-1e309',
  '.inf',
  '-.inf',
  '.nan',
  '9007199254740993',
  '99999999999999999999999999',
  '0x7fffffff',
  '0o777',
  '1_000',
  '5/0s',
  '0/1s',
  '1e400/1s',
  '99999999999999999999/1s',
  '5/1e400s',
  '1/999999999999999999d',
  '4.5/1m',
  '-5/1m',
  '1/1ms',
  '999999999999tb',
  '1.5mb',
  '~',
  'null',
  'true',
  '""',
  "''",
  '[]',
  '{}',
  '[[[]]]',
  '{a: {b: {c: {}}}}',
  '!!binary aGVsbG8=',
  '!!timestamp 2001-12-14t21:59:43.10-05:00',
  '!!js/function "function(){}"',
  '!custom tag',
  '!!set {a, b}',
  '!!omap [a: 1]',
  '"\\u0000"',
  '"\\ud800"',
  '"\\U0010FFFF"',
  '"\u202e/v1/lookup"',
  '"/v1/\u200blookup"',
  '"/v1/lookup/\u{1F600}"',
  '"\u0131d"',
  '"ﬁ"',
  '"/v1/../admin"',
  '"/v1/%2e%2e/x"',
  '"*"',
  '"/v1/*/*/**"',
  '":param"',
  '"GET /x HTTP/1.1\\r\\nHost: y"',
  '__proto__',
  'constructor',
  'prototype',
  '"' + 'x'.repeat(70_000) + '"',
  '&a x',
  '*a',
  '*undefined',
  '<<: *a',
  '? complex',
  '|\n  block',
  '>-\n  folded',
  '%YAML 1.1',
  '---',
  '...',
];

/** Deeply nested flow sequence or mapping of `depth`. */
function nested(depth: number, rng: Rng): string {
  if (rng.int(2) === 0) return '['.repeat(depth) + ']'.repeat(depth);
  return '{a: '.repeat(depth) + '1' + '}'.repeat(depth);
}

/** A billion-laughs alias bomb of `levels` levels, each `width` aliases of the one below. */
function aliasBomb(levels: number, width: number): string {
  const lines = ['bomb0: &b0 [lol]'];
  for (let i = 1; i <= levels; i++) {
    lines.push(`bomb${i}: &b${i} [${Array.from({ length: width }, () => `*b${i - 1}`).join(', ')}]`);
  }
  return lines.join('\n');
}

const lines = (text: string): string[] => text.split('\n');

const SCALAR_AFTER_COLON = /(:\s+)([^\s{[#][^#\n]*?)(\s*(#.*)?)$/;

const MUTATIONS: readonly TextMutation[] = [
  function deleteLine(text, rng) {
    const ls = lines(text);
    ls.splice(rng.int(ls.length), 1);
    return ls.join('\n');
  },
  function duplicateLine(text, rng) {
    const ls = lines(text);
    const i = rng.int(ls.length);
    ls.splice(i, 0, ls[i] ?? '');
    return ls.join('\n');
  },
  function swapLines(text, rng) {
    const ls = lines(text);
    const i = rng.int(ls.length);
    const j = rng.int(ls.length);
    [ls[i], ls[j]] = [ls[j] ?? '', ls[i] ?? ''];
    return ls.join('\n');
  },
  function replaceScalar(text, rng) {
    const ls = lines(text);
    for (let tries = 0; tries < 8; tries++) {
      const i = rng.int(ls.length);
      const line = ls[i] ?? '';
      if (SCALAR_AFTER_COLON.test(line)) {
        ls[i] = line.replace(SCALAR_AFTER_COLON, (_m, colon: string, _v, tail: string) => {
          return `${colon}${pick(rng, HOSTILE_SCALARS)}${tail}`;
        });
        return ls.join('\n');
      }
    }
    return text;
  },
  function insertCharacter(text, rng) {
    const at = rng.int(text.length + 1);
    const chars = [
      '\t',
      '\r',
      '\0',
      '\u00a0',
      '\ufeff',
      '\u2028',
      '"',
      "'",
      ':',
      '-',
      '#',
      '&',
      '*',
      '!',
      '|',
      '>',
      '%',
      '@',
      '`',
      '{',
      '}',
      '[',
      ']',
      ',',
      '?',
      '\ud800',
      '\u{1F600}',
    ];
    return text.slice(0, at) + pick(rng, chars) + text.slice(at);
  },
  function truncate(text, rng) {
    return text.slice(0, rng.int(text.length + 1));
  },
  function shiftIndent(text, rng) {
    const ls = lines(text);
    const i = rng.int(ls.length);
    const line = ls[i] ?? '';
    ls[i] = rng.int(2) === 0 ? ` ${line}` : line.replace(/^ {1,2}/, '');
    return ls.join('\n');
  },
  function deepNesting(text, rng) {
    const depth = pick(rng, [50, 500, 5_000, 50_000]);
    return replaceValue(text, rng, nested(depth, rng));
  },
  function aliasBombAppended(text, rng) {
    return `${text}\n${aliasBomb(3 + rng.int(8), 2 + rng.int(9))}\n`;
  },
  function aliasBombAsValue(text, rng) {
    const anchors = `x-bomb: &z0 [a, a]\n${Array.from({ length: 12 }, (_, i) => `x-b${i + 1}: &z${i + 1} [*z${i}, *z${i}, *z${i}]`).join('\n')}\n`;
    return anchors + replaceValue(text, rng, '*z12');
  },
  function duplicateKey(text, rng) {
    const ls = lines(text);
    const i = rng.int(ls.length);
    const m = /^(\s*)([A-Za-z_][\w-]*):/.exec(ls[i] ?? '');
    if (m === null) return text;
    ls.splice(i + 1, 0, `${m[1] ?? ''}${m[2] ?? ''}: ${pick(rng, HOSTILE_SCALARS)}`);
    return ls.join('\n');
  },
  function changeKeyCase(text, rng) {
    const ls = lines(text);
    const i = rng.int(ls.length);
    ls[i] = (ls[i] ?? '').replace(
      /^(\s*-?\s*)([a-z])/,
      (_m, lead: string, c: string) => lead + c.toUpperCase(),
    );
    return ls.join('\n');
  },
  function unknownKey(text, rng) {
    const ls = lines(text);
    const i = rng.int(ls.length);
    const indent = /^(\s*)/.exec(ls[i] ?? '')?.[1] ?? '';
    ls.splice(
      i,
      0,
      `${indent}${pick(rng, ['__proto__', 'constructor', 'x-extra', 'toString', 'hasOwnProperty'])}: 1`,
    );
    return ls.join('\n');
  },
  function multiDocument(text) {
    return `${text}\n---\nversion: 1\n`;
  },
  function bom(text) {
    return `\ufeff${text}`;
  },
  function crlf(text) {
    return text.replace(/\n/g, '\r\n');
  },
  function longLine(text, rng) {
    return replaceValue(text, rng, `"${'\u00e9'.repeat(1000 + rng.int(20_000))}"`);
  },
  function manyKeys(text, rng) {
    const n = 100 + rng.int(1000);
    return `${text}\nx-many: {${Array.from({ length: n }, (_, i) => `k${i}: ${i}`).join(', ')}}\n`;
  },
  function manyRoutes(text, rng) {
    const n = 10 + rng.int(100);
    const routes = Array.from(
      { length: n },
      (_, i) => `  - { id: r${i}, match: { path: /r/${i} }, auth: none, limits: [{ key: ip, rate: 1/1s }] }`,
    );
    return text.replace(/^routes:\s*$/m, `routes:\n${routes.join('\n')}`);
  },
];

/** Replaces the value of one `key: value` line with `value`, or appends it under a new key. */
function replaceValue(text: string, rng: Rng, value: string): string {
  const ls = lines(text);
  for (let tries = 0; tries < 8; tries++) {
    const i = rng.int(ls.length);
    const line = ls[i] ?? '';
    if (SCALAR_AFTER_COLON.test(line)) {
      ls[i] = line.replace(SCALAR_AFTER_COLON, (_m, colon: string) => `${colon}${value}`);
      return ls.join('\n');
    }
  }
  return `${text}\nx-value: ${value}\n`;
}

/** Mutations that build large inputs: picked a twentieth as often, so a run covers more cases. */
const COSTLY = new Set(['manyKeys', 'manyRoutes', 'longLine', 'aliasBombAppended']);
const WEIGHTED: readonly TextMutation[] = MUTATIONS.flatMap((m) =>
  COSTLY.has(m.name) ? [m] : Array<TextMutation>(20).fill(m),
);

/** One to four mutations in a row, and the names of those applied (for the failure report). */
export function mutateText(text: string, rng: Rng): { text: string; applied: string[] } {
  const applied: string[] = [];
  let out = text;
  const count = 1 + rng.int(4);
  for (let i = 0; i < count; i++) {
    const m = pick(rng, WEIGHTED);
    applied.push(m.name);
    out = m(out, rng);
  }
  return { text: out, applied };
}
