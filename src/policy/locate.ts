import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
} from 'yaml';
import type { PolicyIssue, RawIssue } from './issues.ts';
import { formatPath, type PathSegment } from './values.ts';

/**
 * A parsed YAML document that can say on which line a path lives, so validation messages
 * point at the offending line. YAML syntax errors come out as located issues too.
 */
export interface SourceMap {
  /** The document as plain data (aliases resolved), or undefined when it could not be parsed. */
  readonly data: unknown;
  /** Syntax errors, already located. */
  readonly syntaxIssues: readonly PolicyIssue[];
  locate(issue: RawIssue): PolicyIssue;
}

export function parseYamlSource(text: string): SourceMap {
  const lineCounter = new LineCounter();
  // uniqueKeys (the default) makes a repeated key an error: YAML 1.2 §3.2.1.1 requires unique keys,
  // and a silently overridden `limits:` would hide the first one.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number): number => lineCounter.linePos(offset).line;

  const syntaxIssues: PolicyIssue[] = doc.errors.map((err) => ({
    line: lineAt(err.pos[0]),
    path: '',
    message: `invalid YAML: ${firstLine(err.message)}`,
  }));

  function nodeLine(node: Node | null | undefined): number | undefined {
    const start = node?.range?.[0];
    return start === undefined ? undefined : lineAt(start);
  }

  function locate(issue: RawIssue): PolicyIssue {
    const path = formatPath(issue.path);
    return { line: lineOf(doc, issue.path, nodeLine) ?? 1, path, message: issue.message };
  }

  const data: unknown = syntaxIssues.length > 0 ? undefined : doc.toJS({ maxAliasCount: 100 });
  return { data, syntaxIssues, locate };
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.trim() ?? message;
}

/**
 * The line of the deepest node on `path` that exists. A map entry is located at its key,
 * where a reader looks for it; a list item at the item itself. A missing key therefore
 * lands on its parent mapping.
 */
function lineOf(
  doc: Document,
  path: readonly PathSegment[],
  nodeLine: (n: Node | null | undefined) => number | undefined,
): number | undefined {
  let node: unknown = doc.contents;
  let line = nodeLine(doc.contents) ?? 1;
  for (const seg of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(seg));
      if (!pair) break;
      line = nodeLine(pair.key as Node) ?? nodeLine(pair.value as Node) ?? line;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item: unknown = node.items[seg];
      if (item === undefined) break;
      line = nodeLine(item as Node) ?? line;
      node = item;
    } else {
      break;
    }
  }
  return line;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' ? key : undefined;
}
