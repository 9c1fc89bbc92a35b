import { EnumguardError } from '../core/errors.ts';

/**
 * Where values and member names begin and end, as byte offsets from the start of the body.
 * `depth` is the number of containers open around the value (0 for the document itself),
 * the same at a value's start and at its end.
 */
export interface ScanListener {
  valueStart(pos: number, depth: number, firstByte: number): void;
  /** `end` is the offset just past the value's last byte. */
  valueEnd(end: number, depth: number): void;
  keyStart(pos: number, depth: number): void;
  keyEnd(end: number, depth: number): void;
}

export interface JsonScanner {
  /** Validates the next chunk and reports events; throws ERR_UPSTREAM_BODY at the first fault. */
  scan(chunk: Uint8Array): void;
  /** The body is complete: throws if it ended inside a value. */
  finish(): void;
}

// Syntax states. Plain numbers, not an enum: the scan loop switches on them per byte.
const VALUE = 0;
const ARRAY_FIRST = 1;
const OBJECT_FIRST = 2;
const KEY = 3;
const COLON = 4;
const AFTER = 5;
const DONE = 6;
const STRING = 7;
const ESCAPE = 8;
const UNICODE = 9;
const UTF8 = 10;
const MINUS = 11;
const ZERO = 12;
const INT = 13;
const DOT = 14;
const FRAC = 15;
const EXP = 16;
const EXP_SIGN = 17;
const EXP_DIGITS = 18;
const LITERAL = 19;

const OBJECT = 1;
const ARRAY = 2;

const TRUE = new TextEncoder().encode('true');
const FALSE = new TextEncoder().encode('false');
const NULL = new TextEncoder().encode('null');

const isWs = (b: number): boolean => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39;
const isHex = (b: number): boolean => isDigit(b) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);

function describeByte(b: number): string {
  return b >= 0x21 && b <= 0x7e ? `'${String.fromCharCode(b)}'` : `byte 0x${b.toString(16).padStart(2, '0')}`;
}

const EXPECTED: Record<number, string> = {
  [VALUE]: 'expected a value',
  [ARRAY_FIRST]: "expected a value or ']'",
  [OBJECT_FIRST]: `expected '"' or '}'`,
  [KEY]: `expected '"' starting a member name`,
  [COLON]: "expected ':' after a member name",
  [DONE]: 'expected the end of the body after the JSON value',
  [ESCAPE]: 'invalid escape in a string',
  [UNICODE]: 'expected a hex digit in a \\u escape',
  [MINUS]: "expected a digit after '-'",
  [DOT]: "expected a digit after '.'",
  [EXP]: 'expected a digit or sign in an exponent',
  [EXP_SIGN]: 'expected a digit in an exponent',
  [LITERAL]: 'misspelled true, false or null',
};

/**
 * A validating JSON scanner (RFC 8259) over UTF-8 bytes that may arrive split anywhere: inside
 * a string, an escape, a number, a literal or a multi-byte character. It keeps O(maxDepth)
 * state and never buffers: the caller decides what to keep. Nesting beyond `maxDepth` is an
 * error, so hostile bodies cannot grow the stack (and later consumers need no recursion limit).
 */
export function createJsonScanner(listener: ScanListener, maxDepth: number): JsonScanner {
  const stack = new Uint8Array(maxDepth);
  let depth = 0;
  let state = VALUE;
  let isKey = false;
  let hexLeft = 0;
  let utf8Left = 0;
  let utf8Lo = 0x80;
  let utf8Hi = 0xbf;
  let literal = TRUE;
  let literalAt = 0;
  let base = 0;

  function fail(pos: number, what: string): never {
    throw new EnumguardError('ERR_UPSTREAM_BODY', `malformed JSON at byte ${pos}: ${what}`);
  }

  function unexpected(pos: number, b: number): never {
    const inAfter = depth === 0 ? 'expected the end of the body' : `expected ',' or '${closer()}'`;
    return fail(pos, `unexpected ${describeByte(b)}, ${state === AFTER ? inAfter : (EXPECTED[state] ?? '')}`);
  }

  const closer = (): string => (stack[depth - 1] === OBJECT ? '}' : ']');

  function endValue(end: number): void {
    listener.valueEnd(end, depth);
    state = depth === 0 ? DONE : AFTER;
  }

  function push(kind: number, pos: number): void {
    if (depth === maxDepth) fail(pos, `nesting deeper than ${maxDepth} levels`);
    stack[depth++] = kind;
  }

  function close(pos: number): void {
    depth--;
    endValue(pos + 1);
  }

  // RFC 3629 §4: the first continuation byte narrows the range, which rules out overlong
  // forms, UTF-16 surrogates (U+D800..DFFF) and code points above U+10FFFF.
  function utf8Lead(b: number, pos: number): void {
    utf8Lo = 0x80;
    utf8Hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) utf8Left = 1;
    else if (b === 0xe0) [utf8Left, utf8Lo] = [2, 0xa0];
    else if ((b >= 0xe1 && b <= 0xec) || b === 0xee || b === 0xef) utf8Left = 2;
    else if (b === 0xed) [utf8Left, utf8Hi] = [2, 0x9f];
    else if (b === 0xf0) [utf8Left, utf8Lo] = [3, 0x90];
    else if (b >= 0xf1 && b <= 0xf3) utf8Left = 3;
    else if (b === 0xf4) [utf8Left, utf8Hi] = [3, 0x8f];
    else fail(pos, `invalid UTF-8 (${describeByte(b)}); RFC 8259 §8.1 requires UTF-8`);
    state = UTF8;
  }

  function beginValue(b: number, pos: number): void {
    let next: number;
    if (b === 0x7b) next = OBJECT_FIRST;
    else if (b === 0x5b) next = ARRAY_FIRST;
    else if (b === 0x22) next = STRING;
    else if (b === 0x2d) next = MINUS;
    else if (b === 0x30) next = ZERO;
    else if (b >= 0x31 && b <= 0x39) next = INT;
    else if (b === 0x74 || b === 0x66 || b === 0x6e) next = LITERAL;
    else return unexpected(pos, b);
    listener.valueStart(pos, depth, b);
    if (next === OBJECT_FIRST) push(OBJECT, pos);
    else if (next === ARRAY_FIRST) push(ARRAY, pos);
    else if (next === STRING) isKey = false;
    else if (next === LITERAL) {
      literal = b === 0x74 ? TRUE : b === 0x66 ? FALSE : NULL;
      literalAt = 1;
    }
    state = next;
  }

  function scan(chunk: Uint8Array): void {
    const n = chunk.length;
    for (let i = 0; i < n; i++) {
      let b = chunk[i]!;
      switch (state) {
        case STRING:
          // The hot path: runs of plain ASCII inside a string.
          for (;;) {
            if (b === 0x22) {
              if (isKey) {
                state = COLON;
                listener.keyEnd(base + i + 1, depth);
              } else endValue(base + i + 1);
              break;
            }
            if (b === 0x5c) {
              state = ESCAPE;
              break;
            }
            if (b < 0x20) fail(base + i, `unescaped control character ${describeByte(b)} in a string`);
            if (b >= 0x80) {
              utf8Lead(b, base + i);
              break;
            }
            if (++i === n) break;
            b = chunk[i]!;
          }
          break;
        case UTF8:
          if (b < utf8Lo || b > utf8Hi) fail(base + i, `invalid UTF-8 continuation ${describeByte(b)}`);
          utf8Lo = 0x80;
          utf8Hi = 0xbf;
          if (--utf8Left === 0) state = STRING;
          break;
        case ESCAPE:
          if (b === 0x75) {
            hexLeft = 4;
            state = UNICODE;
          } else if (
            b === 0x22 ||
            b === 0x5c ||
            b === 0x2f ||
            b === 0x62 ||
            b === 0x66 ||
            b === 0x6e ||
            b === 0x72 ||
            b === 0x74
          )
            state = STRING;
          else unexpected(base + i, b);
          break;
        case UNICODE:
          if (!isHex(b)) unexpected(base + i, b);
          if (--hexLeft === 0) state = STRING;
          break;
        case VALUE:
          if (!isWs(b)) beginValue(b, base + i);
          break;
        case ARRAY_FIRST:
          if (b === 0x5d) close(base + i);
          else if (!isWs(b)) beginValue(b, base + i);
          break;
        case OBJECT_FIRST:
        case KEY:
          if (b === 0x22) {
            listener.keyStart(base + i, depth);
            isKey = true;
            state = STRING;
          } else if (b === 0x7d && state === OBJECT_FIRST) close(base + i);
          else if (!isWs(b)) unexpected(base + i, b);
          break;
        case COLON:
          if (b === 0x3a) state = VALUE;
          else if (!isWs(b)) unexpected(base + i, b);
          break;
        case AFTER:
          if (b === 0x2c) state = stack[depth - 1] === OBJECT ? KEY : VALUE;
          else if ((b === 0x7d && stack[depth - 1] === OBJECT) || (b === 0x5d && stack[depth - 1] === ARRAY))
            close(base + i);
          else if (!isWs(b)) unexpected(base + i, b);
          break;
        case DONE:
          if (!isWs(b)) unexpected(base + i, b);
          break;
        case LITERAL:
          if (b !== literal[literalAt]) unexpected(base + i, b);
          if (++literalAt === literal.length) endValue(base + i + 1);
          break;
        case MINUS:
          if (b === 0x30) state = ZERO;
          else if (isDigit(b)) state = INT;
          else unexpected(base + i, b);
          break;
        case DOT:
          if (isDigit(b)) state = FRAC;
          else unexpected(base + i, b);
          break;
        case EXP:
          if (b === 0x2b || b === 0x2d) state = EXP_SIGN;
          else if (isDigit(b)) state = EXP_DIGITS;
          else unexpected(base + i, b);
          break;
        case EXP_SIGN:
          if (isDigit(b)) state = EXP_DIGITS;
          else unexpected(base + i, b);
          break;
        default: {
          // ZERO, INT, FRAC, EXP_DIGITS: a number that may continue or end here.
          if (isDigit(b) && state !== ZERO) break;
          if (b === 0x2e && (state === ZERO || state === INT)) state = DOT;
          else if ((b === 0x65 || b === 0x45) && state !== EXP_DIGITS) state = EXP;
          else {
            // RFC 8259 §6: a number has no terminator of its own; this byte belongs to what
            // follows, so end the number and look at the byte again.
            endValue(base + i);
            i--;
          }
        }
      }
    }
    base += n;
  }

  function finish(): void {
    if (state === DONE) return;
    if (depth === 0 && (state === ZERO || state === INT || state === FRAC || state === EXP_DIGITS)) {
      endValue(base);
      return;
    }
    const where =
      state === STRING || state === ESCAPE || state === UNICODE || state === UTF8
        ? 'inside a string'
        : depth > 0
          ? `with ${depth} unclosed ${depth === 1 ? 'container' : 'containers'}`
          : 'before a complete JSON value';
    throw new EnumguardError('ERR_UPSTREAM_BODY', `body ended early at byte ${base}: ${where}`);
  }

  return { scan, finish };
}
