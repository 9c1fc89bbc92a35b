import { pointerTokens } from '../policy/json-pointer.ts';

/** Pointers come from the policy, so there are few: each is split into tokens once. */
const tokenCache = new Map<string, readonly string[]>();

/**
 * Resolves an RFC 6901 JSON pointer ("/numbers", "/a~1b/0") against a parsed JSON value.
 * Returns undefined when any step is missing. The policy validator has already checked
 * the pointer's syntax; its `pointerTokens` does the unescaping.
 */
export function resolvePointer(doc: unknown, pointer: string): unknown {
  if (pointer === '') return doc;
  let tokens = tokenCache.get(pointer);
  if (tokens === undefined) {
    tokens = pointerTokens(pointer);
    tokenCache.set(pointer, tokens);
  }
  let node: unknown = doc;
  for (const token of tokens) {
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
      node = node[Number(token)];
    } else if (node !== null && typeof node === 'object') {
      if (!Object.hasOwn(node, token)) return undefined;
      node = (node as Record<string, unknown>)[token];
    } else {
      return undefined;
    }
  }
  return node;
}
