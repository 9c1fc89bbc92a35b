import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import { escapePointerToken, type PositionMap, type SourcePosition } from './json-positions.ts';

/**
 * Positions of every map key and sequence item of a parsed YAML document, by JSON pointer,
 * from the nodes' source ranges and the parse's LineCounter. Aliases are not followed: the
 * anchored node keeps the position it was written at.
 */
export function yamlPositions(doc: Document.Parsed, lines: LineCounter): PositionMap {
  const out = new Map<string, SourcePosition>();
  const at = (offset: number): SourcePosition => {
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
  const root = doc.contents;
  out.set('', at(root?.range[0] ?? 0));
  // Iterative walk: deep documents must not overflow the call stack.
  const stack: { node: Node; pointer: string }[] = root === null ? [] : [{ node: root, pointer: '' }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { node, pointer } = top;
    if (isAlias(node)) continue;
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        if (!isScalar(key)) continue;
        const child = `${pointer}/${escapePointerToken(String(key.value))}`;
        if (key.range !== undefined && key.range !== null) out.set(child, at(key.range[0]));
        const value = pair.value as Node | null;
        if (value !== null && (isMap(value) || isSeq(value))) stack.push({ node: value, pointer: child });
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        const child = `${pointer}/${index}`;
        const value = item as Node | null;
        if (value === null) return;
        if (value.range !== undefined && value.range !== null) out.set(child, at(value.range[0]));
        if (isMap(value) || isSeq(value)) stack.push({ node: value, pointer: child });
      });
    }
  }
  return out;
}
