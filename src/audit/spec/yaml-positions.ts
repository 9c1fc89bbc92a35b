import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import { EnumguardError } from '../../core/errors.ts';
import { escapePointerToken, type PositionMap, type SourcePosition } from './json-positions.ts';

/**
 * A parsed YAML document's value and where each of its map keys and sequence items was
 * written, by JSON pointer, from one walk over the nodes (the parse's LineCounter gives the
 * lines). The walk builds the value itself instead of `doc.toJS()`, which took several times
 * longer than the parse on multi-megabyte specs. An alias yields the anchored node's value,
 * shared, not copied (so an alias bomb costs nothing), and keeps no positions of its own.
 */
export function yamlValueAndPositions(
  doc: Document.Parsed,
  lines: LineCounter,
  file: string,
): { value: unknown; positions: PositionMap } {
  const out = new Map<string, SourcePosition>();
  const at = (offset: number): SourcePosition => {
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
  const built = new Map<Node, unknown>();
  // Anchors seen so far, in document order: an alias names the latest anchor before it (YAML
  // 1.2 section 7.1). Alias.resolve() would search the whole document for each alias.
  const anchors = new Map<string, Node>();
  const building = new Set<Node>();
  const keyText = (key: unknown): string => {
    if (isScalar(key)) return String(key.value);
    if (key === null || key === undefined) return '';
    return JSON.stringify(convert(key as Node, undefined));
  };
  // `pointer` is undefined below an alias: those values were written elsewhere.
  const convert = (node: Node | null, pointer: string | undefined): unknown => {
    if (node === null) return null;
    if (isScalar(node)) {
      if (node.anchor !== undefined) anchors.set(node.anchor, node);
      return node.value;
    }
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target === undefined) return null;
      if (building.has(target)) {
        const { line, column } = at(node.range?.[0] ?? 0);
        throw new EnumguardError(
          'ERR_SPEC_INVALID',
          `${file}:${line}:${column} the alias *${node.source} refers to a node that contains it: a spec cannot be recursive`,
        );
      }
      return convert(target, undefined);
    }
    const done = built.get(node);
    if (done !== undefined) return done;
    if (node.anchor !== undefined) anchors.set(node.anchor, node);
    building.add(node);
    let value: unknown;
    if (isMap(node)) {
      const obj: Record<string, unknown> = {};
      for (const pair of node.items) {
        const key = keyText(pair.key);
        const child = pointer === undefined ? undefined : `${pointer}/${escapePointerToken(key)}`;
        const keyNode = pair.key as Node | null;
        if (child !== undefined && keyNode?.range) out.set(child, at(keyNode.range[0]));
        const value = convert(pair.value as Node | null, child);
        // A "__proto__" key is data, as JSON.parse makes it, never the prototype.
        if (key === '__proto__')
          Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
        else obj[key] = value;
      }
      value = obj;
    } else if (isSeq(node)) {
      value = node.items.map((item, index) => {
        const child = pointer === undefined ? undefined : `${pointer}/${index}`;
        const itemNode = item as Node | null;
        if (child !== undefined && itemNode?.range) out.set(child, at(itemNode.range[0]));
        return convert(itemNode, child);
      });
    } else {
      value = null;
    }
    building.delete(node);
    built.set(node, value);
    return value;
  };
  const root = doc.contents;
  out.set('', at(root?.range[0] ?? 0));
  return { value: convert(root, ''), positions: out };
}

/** Positions only (tests and tools that already hold the value). */
export function yamlPositions(doc: Document.Parsed, lines: LineCounter): PositionMap {
  return yamlValueAndPositions(doc, lines, '<yaml>').positions;
}
