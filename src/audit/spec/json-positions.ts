/**
 * Where each value of a JSON text starts: a map from RFC 6901 JSON pointer to the 1-based line
 * and column of the member's key (or of an array element's first character), so a finding can
 * name the line of the operation it concerns. JSON.parse gives values but no positions, so this
 * is a second, linear pass over text JSON.parse has already accepted (RFC 8259 grammar).
 */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/**
 * JSON pointer → position. Only lookups: a YAML spec's positions are found on demand, for the
 * pointers findings name, not listed up front.
 */
export interface PositionMap {
  get(pointer: string): SourcePosition | undefined;
  has(pointer: string): boolean;
}

/** RFC 6901 section 3: "~" is written "~0" and "/" is written "~1" in a reference token. */
export function escapePointerToken(token: string): string {
  return token.includes('~') || token.includes('/') ? token.replace(/~/g, '~0').replace(/\//g, '~1') : token;
}

/** Positions of every member and element of `text`, which must be valid JSON. */
export function jsonPositions(text: string): ReadonlyMap<string, SourcePosition> {
  const out = new Map<string, SourcePosition>();
  let i = 0;
  let line = 1;
  let lineStart = 0;

  const here = (): SourcePosition => ({ line, column: i - lineStart + 1 });
  const skipSpace = (): void => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 10) {
        i++;
        line++;
        lineStart = i;
      } else if (c === 32 || c === 9 || c === 13) i++;
      else return;
    }
  };
  /** Reads a string starting at its opening quote; JSON strings hold no raw newline. */
  const readString = (): string => {
    const start = i;
    i++;
    let escaped = false;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 92) {
        escaped = true;
        i += 2;
      } else if (c === 34) {
        i++;
        break;
      } else i++;
    }
    const raw = text.slice(start, i);
    return escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
  };
  const skipScalar = (): void => {
    if (text.charCodeAt(i) === 34) {
      readString();
      return;
    }
    while (i < text.length && !',]} \t\r\n'.includes(text.charAt(i))) i++;
  };
  // An explicit stack instead of recursion: a deeply nested document cannot overflow the call stack.
  const value = (pointer: string): void => {
    const stack: { pointer: string; kind: 'object' | 'array'; index: number }[] = [];
    let current = pointer;
    for (;;) {
      skipSpace();
      const c = text.charCodeAt(i);
      if (c === 123 || c === 91) {
        stack.push({ pointer: current, kind: c === 123 ? 'object' : 'array', index: 0 });
        i++;
      } else {
        skipScalar();
      }
      // After a value (or an opening bracket): find the next member or close containers.
      for (;;) {
        skipSpace();
        const top = stack[stack.length - 1];
        if (top === undefined) return;
        const d = text.charCodeAt(i);
        if (d === 125 || d === 93) {
          i++;
          stack.pop();
          continue;
        }
        if (d === 44) {
          i++;
          skipSpace();
        }
        if (top.kind === 'object') {
          const at = here();
          const key = readString();
          current = `${top.pointer}/${escapePointerToken(key)}`;
          out.set(current, at);
          skipSpace();
          i++; // the ":"
        } else {
          current = `${top.pointer}/${top.index++}`;
          out.set(current, here());
        }
        break;
      }
    }
  };
  skipSpace();
  out.set('', here());
  value('');
  return out;
}
