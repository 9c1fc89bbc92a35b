/**
 * Turns a libphonenumber number-type pattern into whole blocks of numbers.
 *
 * libphonenumber describes each type (fixed line, mobile, ...) of a numbering plan with an
 * anchored regular expression over the national significant number, written in a small
 * subset: digits, `\d`, character classes, `(?:...)` groups, `|`, `?` and `{n}` / `{n,m}`.
 * Expanding the pattern into sequences of digit sets, and each sequence into intervals of
 * "block keys" (the number without its last BLOCK_DIGITS digits), gives every fully valid
 * block of the plan without listing billions of numbers: the researchers' candidate
 * generator enumerated the same valid mobile ranges.
 */
import type { EnumguardError } from '../../core/errors.ts';
import { internalError } from '../../core/internal-error.ts';

/** Numbers are handed out in blocks of 10^4: a NANP central-office code (NXX) holds 10,000 lines. */
export const BLOCK_DIGITS = 4;
export const BLOCK_SIZE = 10 ** BLOCK_DIGITS;

const ALL_DIGITS = 0x3ff;
/** Guards against a pathological pattern exploding the expansion. */
const MAX_SEQUENCES = 200_000;
const MAX_PREFIXES = 2_000_000;

/** A sequence of digit sets, one 10-bit mask per position. */
type Sequence = readonly number[];

interface Parser {
  readonly src: string;
  pos: number;
}

/**
 * The patterns are libphonenumber's, for the countries enumguard builds its population from:
 * one this reader cannot follow is enumguard's to fix (often a libphonenumber-js update).
 */
function patternError(what: string): EnumguardError {
  return internalError(`cannot expand a libphonenumber pattern: ${what}`);
}

/** Every sequence of digit sets the (anchored) pattern matches. */
export function expandPattern(pattern: string): Sequence[] {
  const p: Parser = { src: pattern, pos: 0 };
  const out = parseAlternation(p);
  if (p.pos !== pattern.length)
    throw patternError(`unexpected "${pattern[p.pos]}" at ${p.pos} in ${pattern}`);
  return out;
}

function parseAlternation(p: Parser): Sequence[] {
  const out: Sequence[] = [...parseSequence(p)];
  while (p.src[p.pos] === '|') {
    p.pos++;
    for (const s of parseSequence(p)) out.push(s);
  }
  return out;
}

function parseSequence(p: Parser): Sequence[] {
  let acc: Sequence[] = [[]];
  while (p.pos < p.src.length && p.src[p.pos] !== '|' && p.src[p.pos] !== ')') {
    const atom = parseAtom(p);
    const repeated = applyQuantifier(p, atom);
    acc = concat(acc, repeated);
  }
  return acc;
}

function parseAtom(p: Parser): Sequence[] {
  const ch = p.src[p.pos];
  if (ch === undefined) throw patternError(`pattern ends early: ${p.src}`);
  if (ch >= '0' && ch <= '9') {
    p.pos++;
    return [[1 << (ch.charCodeAt(0) - 48)]];
  }
  if (ch === '\\') {
    if (p.src[p.pos + 1] !== 'd') throw patternError(`unsupported escape at ${p.pos} in ${p.src}`);
    p.pos += 2;
    return [[ALL_DIGITS]];
  }
  if (ch === '[') return [[parseClass(p)]];
  if (ch === '(') {
    p.pos++;
    if (p.src.startsWith('?:', p.pos)) p.pos += 2;
    const inner = parseAlternation(p);
    if (p.src[p.pos] !== ')') throw patternError(`unclosed group in ${p.src}`);
    p.pos++;
    return inner;
  }
  throw patternError(`unsupported "${ch}" at ${p.pos} in ${p.src}`);
}

function parseClass(p: Parser): number {
  p.pos++; // [
  let mask = 0;
  while (p.src[p.pos] !== ']') {
    const lo = digitAt(p, p.pos);
    if (p.src[p.pos + 1] === '-' && p.src[p.pos + 2] !== ']') {
      const hi = digitAt(p, p.pos + 2);
      for (let d = lo; d <= hi; d++) mask |= 1 << d;
      p.pos += 3;
    } else {
      mask |= 1 << lo;
      p.pos++;
    }
  }
  p.pos++; // ]
  return mask;
}

function digitAt(p: Parser, at: number): number {
  if (p.src[at] === '\\' && p.src[at + 1] === 'd') throw patternError(`\\d inside a class in ${p.src}`);
  const code = p.src.charCodeAt(at) - 48;
  if (!(code >= 0 && code <= 9)) throw patternError(`expected a digit at ${at} in ${p.src}`);
  return code;
}

function applyQuantifier(p: Parser, atom: Sequence[]): Sequence[] {
  const ch = p.src[p.pos];
  let min: number;
  let max = 1;
  if (ch === '?') {
    p.pos++;
    min = 0;
  } else if (ch === '{') {
    const m = /^\{(\d+)(?:,(\d+))?\}/.exec(p.src.slice(p.pos));
    if (!m?.[1]) throw patternError(`bad quantifier at ${p.pos} in ${p.src}`);
    min = Number(m[1]);
    max = m[2] === undefined ? min : Number(m[2]);
    p.pos += m[0].length;
  } else {
    return atom;
  }
  const out: Sequence[] = [];
  let power: Sequence[] = [[]];
  for (let k = 0; k <= max; k++) {
    if (k >= min) out.push(...power);
    if (k < max) power = concat(power, atom);
  }
  return out;
}

function concat(left: Sequence[], right: Sequence[]): Sequence[] {
  if (left.length * right.length > MAX_SEQUENCES) throw patternError('pattern expands too far');
  const out: Sequence[] = [];
  for (const l of left) for (const r of right) out.push([...l, ...r]);
  return out;
}

/** An inclusive interval of block keys: numbers key * BLOCK_SIZE ... key * BLOCK_SIZE + 9999. */
export interface KeyInterval {
  readonly lo: number;
  readonly hi: number;
}

/**
 * The whole blocks of E.164 numbers (calling code + national number) that the pattern
 * accepts at one of `lengths`, as sorted, disjoint, non-adjacent intervals of block keys.
 * Sequences whose last BLOCK_DIGITS positions are not all free would give partial blocks:
 * they are left out, so every number of every block is valid.
 */
export function blockIntervals(
  pattern: string,
  callingCode: string,
  lengths: readonly number[],
): KeyInterval[] {
  const raw: KeyInterval[] = [];
  for (const seq of expandPattern(pattern)) {
    const len = seq.length;
    if (!lengths.includes(len) || len <= BLOCK_DIGITS) continue;
    if (seq.slice(len - BLOCK_DIGITS).some((m) => m !== ALL_DIGITS)) continue;
    const prefix = seq.slice(0, len - BLOCK_DIGITS);
    let free = 0;
    while (free < prefix.length && prefix[prefix.length - 1 - free] === ALL_DIGITS) free++;
    const fixed = prefix.slice(0, prefix.length - free);
    const width = 10 ** free;
    const base = Number(callingCode) * 10 ** prefix.length;
    for (const value of digitProducts(fixed)) {
      const lo = base + value * width;
      raw.push({ lo, hi: lo + width - 1 });
    }
  }
  return mergeIntervals(raw);
}

/** Every number whose digits are drawn position by position from the masks. */
function digitProducts(masks: readonly number[]): number[] {
  let values = [0];
  for (const mask of masks) {
    const next: number[] = [];
    for (const v of values) for (let d = 0; d <= 9; d++) if (mask & (1 << d)) next.push(v * 10 + d);
    if (next.length > MAX_PREFIXES) throw patternError('pattern has too many fixed prefixes');
    values = next;
  }
  return values;
}

function mergeIntervals(raw: KeyInterval[]): KeyInterval[] {
  raw.sort((a, b) => a.lo - b.lo);
  const out: KeyInterval[] = [];
  for (const iv of raw) {
    const last = out[out.length - 1];
    if (last !== undefined && iv.lo <= last.hi + 1) {
      if (iv.hi > last.hi) out[out.length - 1] = { lo: last.lo, hi: iv.hi };
    } else {
      out.push(iv);
    }
  }
  return out;
}
