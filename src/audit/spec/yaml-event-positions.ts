import { EVENT_ID, getScalarValue, load, SCALAR_STYLE, type Event, type ScalarEvent } from 'js-yaml';
import { EnumguardError } from '../../core/errors.ts';
import type { PositionMap, SourcePosition } from './json-positions.ts';

/**
 * Where each map key and sequence item of a YAML text was written, read from js-yaml's flat
 * event stream (offsets into the text, no nodes) instead of a full `yaml` Document: on a 5 MB
 * spec the Document took 3.6 s, the events about 0.13 s. Positions are found on demand, only
 * for the pointers a finding asks about: each mapping's keys are indexed the first time a
 * lookup passes through it. The positions are those the `yaml` nodes gave (a quoted scalar
 * starts at its quote, a block scalar at its `|` or `>`, an alias at its `*`), so findings
 * point at the same line and column either way. As before, nothing below an alias has a
 * position of its own: it was written at the anchor. One difference: an empty sequence item
 * ("- " and nothing) leaves no offset in the events, so it has no position (a finding there
 * falls back to its operation's line); the Document placed it after the "- ".
 */

export interface EventScan {
  /** For each collection's event, the index of the POP that closes it. */
  readonly ends: Int32Array;
  /**
   * A map key left empty (": value"). js-yaml reads it as "null"; the `yaml` package refuses
   * some such lines ("Nested mappings are not allowed in compact mappings") and gives others a
   * position js-yaml's events do not hold, so the caller takes the `yaml` path for them.
   */
  readonly emptyKey: boolean;
}

/** One pass over the events: where each collection closes, and recursive aliases refused. */
export function scanEvents(text: string, events: readonly Event[], file: string): EventScan {
  const ends = new Int32Array(events.length);
  // Open collections (and the document) with the number of nodes started inside each so far:
  // in a mapping, an even count means the next node is a key.
  const open: { index: number; mapping: boolean; count: number }[] = [];
  let emptyKey = false;
  // An alias names the latest anchor before it (YAML 1.2 section 7.1).
  const anchors = new Map<string, number>();
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as Event;
    if (e.type === EVENT_ID.POP) {
      const closed = open.pop();
      if (closed !== undefined) ends[closed.index] = i;
      continue;
    }
    if (e.type === EVENT_ID.DOCUMENT) {
      anchors.clear();
      open.push({ index: i, mapping: false, count: 0 });
      continue;
    }
    const parent = open[open.length - 1];
    if (parent !== undefined) {
      if (parent.mapping && parent.count % 2 === 0 && e.type === EVENT_ID.SCALAR && e.valueStart < 0)
        emptyKey = true;
      parent.count++;
    }
    if (e.type === EVENT_ID.ALIAS) {
      const name = text.slice(e.anchorStart, e.anchorEnd);
      const target = anchors.get(name);
      // A collection not closed yet contains this alias: the value would be a cycle.
      if (target !== undefined && ends[target] === 0 && events[target]?.type !== EVENT_ID.SCALAR) {
        const { line, column } = lineColumnOf(lineStarts(text), e.anchorStart - 1);
        throw new EnumguardError(
          'ERR_SPEC_INVALID',
          `${file}:${line}:${column} the alias *${name} refers to a node that contains it: a spec cannot be recursive`,
        );
      }
      continue;
    }
    if (e.anchorStart >= 0) anchors.set(text.slice(e.anchorStart, e.anchorEnd), i);
    if (e.type !== EVENT_ID.SCALAR) open.push({ index: i, mapping: e.type === EVENT_ID.MAPPING, count: 0 });
  }
  return { ends, emptyKey };
}

/** Offsets where each line starts (line 1 at offset 0); only "\n" ends a line, as in `yaml`. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** 1-based line and column (UTF-16 units, as `yaml`'s LineCounter counts) of an offset. */
export function lineColumnOf(starts: readonly number[], offset: number): SourcePosition {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - (starts[lo] as number) + 1 };
}

const CAN_BE_NON_STRING = /^(?:[-+.~0-9]|(?:null|Null|NULL|true|True|TRUE|false|False|FALSE)$)/;

/** A plain scalar's value as the core schema reads it ("200" → 200, "~" → null), as text. */
function resolved(source: string, fallback: string): string {
  try {
    return String(load(source));
  } catch {
    return fallback;
  }
}

/** RFC 6901 section 4: "~1" is "/" and "~0" is "~", in that order. */
function unescapeToken(token: string): string {
  return token.includes('~') ? token.replace(/~1/g, '/').replace(/~0/g, '~') : token;
}

/**
 * A PositionMap over the events of one document (the DOCUMENT event at 0, its root at 1),
 * whose collections close where `ends` says.
 */
export function yamlEventPositions(text: string, events: readonly Event[], ends: Int32Array): PositionMap {
  let starts: number[] | undefined;
  const keyIndexes = new Map<number, Map<string, number>>();
  const itemIndexes = new Map<number, number[]>();

  const isCollection = (i: number): boolean => {
    const type = events[i]?.type;
    return type === EVENT_ID.MAPPING || type === EVENT_ID.SEQUENCE;
  };
  const next = (i: number): number => (isCollection(i) ? (ends[i] as number) + 1 : i + 1);

  /** The key as the value's object holds it: js-yaml turns a non-string scalar key into String(value). */
  const keyText = (e: ScalarEvent): string => {
    const decoded = e.valueStart < 0 ? '' : getScalarValue(text, e);
    const tag = e.tagStart < 0 ? '' : text.slice(e.tagStart, e.tagEnd);
    if (tag === '!!str' || tag === '!') return decoded;
    if (tag !== '') return resolved(`${tag} ${text.slice(e.valueStart, e.valueEnd)}`, decoded);
    if (e.style !== SCALAR_STYLE.PLAIN) return decoded;
    if (e.valueStart < 0) return 'null';
    return CAN_BE_NON_STRING.test(decoded) ? resolved(decoded, decoded) : decoded;
  };

  const keysOf = (map: number): Map<string, number> => {
    let index = keyIndexes.get(map);
    if (index !== undefined) return index;
    index = new Map();
    const end = ends[map] as number;
    for (let k = map + 1; k < end;) {
      const key = events[k] as Event;
      // Only scalar keys are indexed: a collection or alias key has no pointer of its own.
      if (key.type === EVENT_ID.SCALAR) index.set(keyText(key), k);
      k = next(next(k));
    }
    keyIndexes.set(map, index);
    return index;
  };

  const itemsOf = (seq: number): number[] => {
    let items = itemIndexes.get(seq);
    if (items !== undefined) return items;
    items = [];
    const end = ends[seq] as number;
    for (let k = seq + 1; k < end; k = next(k)) items.push(k);
    itemIndexes.set(seq, items);
    return items;
  };

  /** Where the node of event i starts, or -1 when an empty scalar left no offset. */
  function startOf(e: Event): number {
    switch (e.type) {
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE:
        return e.start;
      case EVENT_ID.ALIAS:
        return e.anchorStart - 1; // the "*"
      case EVENT_ID.SCALAR:
        if (e.valueStart < 0) return -1;
        if (e.style === SCALAR_STYLE.SINGLE_QUOTED || e.style === SCALAR_STYLE.DOUBLE_QUOTED)
          return e.valueStart - 1;
        if (e.style === SCALAR_STYLE.LITERAL_BLOCK || e.style === SCALAR_STYLE.FOLDED_BLOCK) {
          return blockIndicator(e.valueStart);
        }
        return e.valueStart;
      default:
        return -1;
    }
  }

  /** A block scalar's text starts on the line after its header; the header holds "|" or ">". */
  const blockIndicator = (contentStart: number): number => {
    const headerEnd = contentStart - 1;
    const headerStart = text.lastIndexOf('\n', headerEnd - 1) + 1;
    const header = /(?:^|[ \t])[|>]/.exec(text.slice(headerStart, headerEnd));
    if (header === null) return contentStart;
    return headerStart + header.index + (header[0].length - 1);
  };

  const positionOf = (i: number): SourcePosition | undefined => {
    const offset = startOf(events[i] as Event);
    if (offset < 0) return undefined;
    starts ??= lineStarts(text);
    return lineColumnOf(starts, offset);
  };

  const get = (pointer: string): SourcePosition | undefined => {
    if (events.length < 2) return undefined;
    if (pointer === '') return positionOf(1);
    if (!pointer.startsWith('/')) return undefined;
    let node = 1;
    let at = 1;
    for (const raw of pointer.slice(1).split('/')) {
      const e = events[node] as Event;
      if (e.type === EVENT_ID.MAPPING) {
        const key = keysOf(node).get(unescapeToken(raw));
        if (key === undefined) return undefined;
        at = key;
        node = next(key);
      } else if (e.type === EVENT_ID.SEQUENCE) {
        if (!/^(?:0|[1-9][0-9]*)$/.test(raw)) return undefined;
        const item = itemsOf(node)[Number(raw)];
        if (item === undefined) return undefined;
        at = item;
        node = item;
      } else {
        return undefined; // a scalar has no members; below an alias nothing was written here
      }
    }
    return positionOf(at);
  };

  return { get, has: (pointer: string) => get(pointer) !== undefined };
}
