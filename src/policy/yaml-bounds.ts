import { isMap, isNode, isScalar, isSeq, isPair, type Document } from 'yaml';
import type { PolicyIssue } from './issues.ts';

/**
 * Bounds on a policy's YAML checked in linear time, before the parser or the walks that
 * follow could spend long on it (found by the policy fuzzer, issue 13):
 * - nesting: the parser composes flow collections recursively, so `[[[…` 50,000 deep took
 *   2 s to end in "Maximum call stack size exceeded"; no policy nests a tenth of MAX_FLOW_DEPTH;
 * - duplicate keys: the parser's own check compares each key with every earlier one, so a
 *   mapping of 20,000 keys took 19 s; here a Set per mapping does it in one pass;
 * - keys that are lists or mappings: refused, as no policy key is one (see below).
 */
export const MAX_FLOW_DEPTH = 64;

/** The first line where `[`/`{` nest deeper than MAX_FLOW_DEPTH, as an issue; comments skipped. */
export function flowDepthIssue(text: string): PolicyIssue | undefined {
  let depth = 0;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) line++;
    else if (c === 35 && (i === 0 || isSpace(text.charCodeAt(i - 1)))) {
      // "#" after a blank starts a comment: skip to the end of the line.
      const end = text.indexOf('\n', i);
      if (end < 0) break;
      i = end - 1;
    } else if (c === 91 || c === 123) {
      if (++depth > MAX_FLOW_DEPTH) {
        return {
          line,
          path: '',
          message: `invalid YAML: collections nested deeper than ${MAX_FLOW_DEPTH} levels`,
        };
      }
    } else if ((c === 93 || c === 125) && depth > 0) depth--;
  }
  return undefined;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/**
 * Every key repeated in its mapping (YAML 1.2 §3.2.1.1 requires unique keys; a silently
 * overridden `limits:` would hide the first one), located at the repeat. Scalar keys compare
 * by value, as the parser compared them; walked with an explicit stack, so no depth overflows.
 */
export function duplicateKeyIssues(doc: Document, lineAt: (offset: number) => number): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = pair.key;
        if (isScalar(key)) {
          if (seen.has(key.value)) {
            const at = key.range?.[0] ?? 0;
            issues.push({ line: lineAt(at), path: '', message: 'invalid YAML: Map keys must be unique' });
          }
          seen.add(key.value);
        } else if (key !== null) {
          // A list or mapping as a key ("? {store: …}") becomes its own text as a JS key, and the
          // parser warns on stderr with that text, which may hold a password: refused here.
          const at = isNode(key) ? (key.range?.[0] ?? 0) : 0;
          issues.push({
            line: lineAt(at),
            path: '',
            message: 'invalid YAML: a mapping key must be a plain value, not a list or mapping',
          });
        }
        stack.push(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    }
  }
  return issues.sort((a, b) => a.line - b.line);
}
