import { escapePointerToken } from './json-positions.ts';

/** RFC 6901: resolve a pointer ("/a/b~1c") against a value; undefined when it names nothing. */
export function resolvePointer(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  if (!pointer.startsWith('/')) return undefined;
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, token)) return undefined;
    node = (node as Record<string, unknown>)[token];
  }
  return node;
}

export interface BrokenRef {
  readonly ref: string;
  /** Pointer of the object holding the $ref. */
  readonly at: string;
  readonly why: string;
}

/**
 * The first local $ref ("#/components/...") that names nothing, found before the parser
 * runs so the message can name the line of the $ref itself.
 */
export function checkLocalRefs(root: Record<string, unknown>): BrokenRef | undefined {
  const stack: { node: unknown; pointer: string }[] = [{ node: root, pointer: '' }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { node, pointer } = top;
    if (typeof node !== 'object' || node === null) continue;
    if (Array.isArray(node)) {
      node.forEach((item, i) => stack.push({ node: item, pointer: `${pointer}/${i}` }));
      continue;
    }
    const ref = (node as Record<string, unknown>).$ref;
    if (typeof ref === 'string' && ref.startsWith('#')) {
      let target: string;
      try {
        target = decodeURIComponent(ref.slice(1));
      } catch {
        return { ref, at: pointer, why: 'malformed percent-encoding' };
      }
      if (resolvePointer(root, target) === undefined)
        return { ref, at: pointer, why: 'no such target in the file' };
    }
    for (const [key, child] of Object.entries(node)) {
      if (typeof child === 'object' && child !== null) {
        stack.push({ node: child, pointer: `${pointer}/${escapePointerToken(key)}` });
      }
    }
  }
  return undefined;
}

/** Named schemas of components.schemas (3.x) and definitions (2.0), by object identity. */
export function nameComponents(root: Record<string, unknown>): WeakMap<object, string> {
  const names = new WeakMap<object, string>();
  const components = root.components as Record<string, unknown> | undefined;
  for (const group of [components?.schemas, root.definitions]) {
    if (typeof group !== 'object' || group === null) continue;
    for (const [name, schema] of Object.entries(group as Record<string, unknown>)) {
      if (typeof schema === 'object' && schema !== null) names.set(schema, name);
    }
  }
  return names;
}
