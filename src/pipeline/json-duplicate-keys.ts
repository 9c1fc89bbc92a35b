/**
 * Duplicate keys in raw JSON text, which JSON.parse cannot show: it keeps the last of
 * `{"numbers":[1],"numbers":[…]}` while other parsers keep the first (RFC 8259 §4: names
 * SHOULD be unique, and parsers differ when they are not). A body priced by one reading and
 * read by the upstream with another is a bypass, so priced bodies must have none.
 */

/** One open object or array while scanning: its pointer when it lies on a checked path. */
interface Frame {
  readonly object: boolean;
  /** RFC 6901 pointer of this container, or undefined when off every checked path. */
  readonly pointer: string | undefined;
  readonly keys: Set<string> | undefined;
  expectKey: boolean;
  key: string;
  index: number;
}

const QUOTE = 34;
const BACKSLASH = 92;

/** The pointers of every container on the way to each pointer: "/a/b" → "", "/a", "/a/b". */
export function pathPrefixes(pointers: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const p of pointers) {
    out.add('');
    for (let i = p.indexOf('/', 1); i !== -1; i = p.indexOf('/', i + 1)) out.add(p.slice(0, i));
    out.add(p);
  }
  return out;
}

/**
 * The pointer of the first object on a checked path (see pathPrefixes) holding a key twice,
 * keys compared after unescaping ("a" and "\u0061" are one key); undefined when none does.
 * `text` must be valid JSON (JSON.parse accepted it): the scan does not validate.
 */
export function findDuplicateKey(text: string, prefixes: ReadonlySet<string>): string | undefined {
  const stack: Frame[] = [];
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const top = stack.at(-1);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (top?.object === true && top.expectKey) {
        if (onKey(top, keyOf(text, i, end))) return top.pointer;
      }
      i = end;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      stack.push(open(c === 123, childPointer(top, prefixes)));
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      stack.pop();
    } else if (c === 44 /* , */ && top !== undefined) {
      if (top.object) top.expectKey = true;
      else top.index++;
    }
  }
  return undefined;
}

/** A key read: remembered for its value; true when its object already had it. */
function onKey(frame: Frame, key: string): boolean {
  frame.expectKey = false;
  frame.key = key;
  if (frame.keys === undefined) return false;
  if (frame.keys.has(key)) return true;
  frame.keys.add(key);
  return false;
}

function open(object: boolean, pointer: string | undefined): Frame {
  const keys = object && pointer !== undefined ? new Set<string>() : undefined;
  return { object, pointer, keys, expectKey: object, key: '', index: 0 };
}

/** The pointer of a container opening inside `parent`, when it lies on a checked path. */
function childPointer(parent: Frame | undefined, prefixes: ReadonlySet<string>): string | undefined {
  if (parent === undefined) return '';
  if (parent.pointer === undefined) return undefined;
  const token = parent.object ? parent.key.replaceAll('~', '~0').replaceAll('/', '~1') : String(parent.index);
  const pointer = `${parent.pointer}/${token}`;
  return prefixes.has(pointer) ? pointer : undefined;
}

/** Index of the quote closing the string that opens at `start`. */
function stringEnd(text: string, start: number): number {
  let j = start + 1;
  for (;;) {
    const c = text.charCodeAt(j);
    if (c === QUOTE || Number.isNaN(c)) return j;
    j += c === BACKSLASH ? 2 : 1;
  }
}

function keyOf(text: string, start: number, end: number): string {
  const raw = text.slice(start + 1, end);
  return raw.includes('\\') ? (JSON.parse(text.slice(start, end + 1)) as string) : raw;
}
