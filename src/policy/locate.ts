import { isAlias, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { PolicyIssue, RawIssue } from './issues.ts';
import { formatPath, type PathSegment } from './values.ts';
import { checkAliases } from './yaml-aliases.ts';
import { duplicateKeyIssues, flowDepthIssue } from './yaml-bounds.ts';

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
  const tooDeep = flowDepthIssue(text);
  if (tooDeep !== undefined)
    return {
      data: undefined,
      syntaxIssues: [tooDeep],
      locate: (i) => ({ ...i, line: 1, path: formatPath(i.path) }),
    };
  const lineCounter = new LineCounter();
  // Repeated keys are refused by duplicateKeyIssues (yaml-bounds.ts) in one pass: the
  // parser's own uniqueKeys check is quadratic in a mapping's size.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const lineAt = (offset: number): number => lineCounter.linePos(offset).line;

  const syntaxIssues: PolicyIssue[] = doc.errors.map((err) => ({
    line: lineAt(err.pos[0]),
    path: '',
    message: `invalid YAML: ${firstLine(err.message)}`,
  }));
  if (syntaxIssues.length === 0) syntaxIssues.push(...duplicateKeyIssues(doc, lineAt));
  if (syntaxIssues.length === 0) syntaxIssues.push(...aliasIssues(doc, lineAt));

  function locate(issue: RawIssue): PolicyIssue {
    return { line: lineOf(doc, issue.path, lineAt), path: formatPath(issue.path), message: issue.message };
  }

  const data: unknown = syntaxIssues.length > 0 ? undefined : toData(doc, syntaxIssues);
  return { data, syntaxIssues, locate };
}

/** A bad alias (yaml-aliases.ts) as a located issue, at the alias itself. */
function aliasIssues(doc: Document, lineAt: (offset: number) => number): PolicyIssue[] {
  const bad = checkAliases(doc);
  if (bad === undefined) return [];
  const line = bad.node.range ? lineAt(bad.node.range[0]) : lineOf(doc, bad.issue.path, lineAt);
  return [{ line, path: formatPath(bad.issue.path), message: bad.issue.message }];
}

/**
 * The document as plain data. checkAliases has bounded what aliases expand to, so the
 * parser's own alias count (which refuses a 101st use of one scalar anchor) is off. Anything
 * the conversion still throws becomes an issue on line 1, never an unlocated crash.
 */
function toData(doc: Document, issues: PolicyIssue[]): unknown {
  try {
    return doc.toJS({ maxAliasCount: -1 });
  } catch (err) {
    issues.push({ line: 1, path: '', message: `invalid YAML: ${firstLine(String((err as Error).message))}` });
    return undefined;
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.trim() ?? message;
}

/**
 * The line of the deepest node on `path` that exists. A map entry is located at its key,
 * where a reader looks for it; a list item at the item itself. A missing key therefore
 * lands on its parent mapping.
 */
function lineOf(doc: Document, path: readonly PathSegment[], lineAt: (offset: number) => number): number {
  const lineOfNode = (n: unknown): number | undefined => {
    const start = isNode(n) ? n.range?.[0] : undefined;
    return start === undefined ? undefined : lineAt(start);
  };
  let node: unknown = doc.contents;
  let line = lineOfNode(node) ?? 1;
  for (const seg of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => keyText(p.key) === String(seg));
      if (!pair) break;
      line = lineOfNode(pair.key) ?? lineOfNode(pair.value) ?? line;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item: unknown = node.items[seg];
      if (item === undefined) break;
      line = lineOfNode(item) ?? line;
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
