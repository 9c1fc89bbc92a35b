import { isAlias, isMap, isScalar, isSeq, type Alias, type Document, type Node } from 'yaml';
import type { RawIssue } from './issues.ts';
import type { PathSegment } from './values.ts';

/**
 * YAML aliases checked before the document becomes data, so a bad one is a located issue
 * rather than the parser's bare ReferenceError ("Unresolved alias", "Excessive alias count").
 *
 * An alias is replaced by its anchor's node, so `a: &a [x, x]`, `b: &b [*a, *a]`, … grows
 * tenfold per line ("billion laughs"). The parser shares one object per anchor, but whatever
 * walks the data afterwards (validation, compilation) walks the whole tree. So the tree the
 * aliases expand to is measured here, in nodes, and bounded: no real policy comes near it.
 */
export const MAX_ALIAS_EXPANSION = 100_000;

/** The first bad alias as an issue: undefined anchor, a cycle, or an expansion past the bound. */
export function checkAliases(doc: Document): { issue: RawIssue; node: Alias } | undefined {
  const walk = new AliasWalk();
  try {
    walk.node(doc.contents, []);
    return undefined;
  } catch (err) {
    if (err instanceof BadAlias) return { issue: { path: err.path, message: err.message }, node: err.node };
    throw err;
  }
}

class BadAlias extends Error {
  constructor(
    message: string,
    readonly node: Alias,
    readonly path: readonly PathSegment[],
  ) {
    super(message);
  }
}

/**
 * Walks the document in order, as the parser resolves anchors: an alias names the last node
 * with that anchor before it (YAML 1.2 §3.2.2.2), so anchors are recorded as they are met.
 */
class AliasWalk {
  private readonly anchors = new Map<string, Node>();
  private readonly sizes = new Map<Node, number>();
  private readonly targets = new Map<Alias, Node>();
  private readonly open = new Set<Node>();
  private expanded = 0;

  node(n: unknown, path: readonly PathSegment[]): void {
    if (isAlias(n)) return this.alias(n, path);
    if (isScalar(n) || isMap(n) || isSeq(n)) {
      if (n.anchor !== undefined) this.anchors.set(n.anchor, n);
    }
    if (isMap(n)) {
      for (const pair of n.items) {
        this.node(pair.key, path);
        this.node(pair.value, [...path, keySegment(pair.key)]);
      }
    } else if (isSeq(n)) {
      n.items.forEach((item, i) => this.node(item, [...path, i]));
    }
  }

  private alias(a: Alias, path: readonly PathSegment[]): void {
    const target = this.anchors.get(a.source);
    if (target === undefined) {
      throw new BadAlias(
        `YAML alias *${a.source} names no anchor: an anchor &${a.source} must come before it`,
        a,
        path,
      );
    }
    this.targets.set(a, target);
    this.expanded += this.size(target, a, path);
    if (this.expanded > MAX_ALIAS_EXPANSION) {
      throw new BadAlias(
        `YAML aliases expand to more than ${MAX_ALIAS_EXPANSION} values (an alias bomb?); write the values out instead`,
        a,
        path,
      );
    }
  }

  /** The node count of `n` with its aliases expanded, saturating past the bound. */
  private size(n: unknown, at: Alias, path: readonly PathSegment[]): number {
    if (!isMap(n) && !isSeq(n) && !isAlias(n)) return 1;
    const known = this.sizes.get(n);
    if (known !== undefined) return known;
    if (this.open.has(n)) {
      throw new BadAlias(`YAML alias *${at.source} is inside the node it names (a cycle)`, at, path);
    }
    this.open.add(n);
    const total = Math.min(this.childrenSize(n, at, path), MAX_ALIAS_EXPANSION + 1);
    this.open.delete(n);
    this.sizes.set(n, total);
    return total;
  }

  private childrenSize(n: Node, at: Alias, path: readonly PathSegment[]): number {
    if (isAlias(n)) {
      // Aliases inside an anchored node were resolved when the walk passed them.
      const target = this.targets.get(n) ?? this.anchors.get(n.source);
      return target === undefined ? 1 : this.size(target, at, path);
    }
    let total = 1;
    if (isMap(n)) {
      for (const pair of n.items) total += this.size(pair.key, at, path) + this.size(pair.value, at, path);
    } else if (isSeq(n)) {
      for (const item of n.items) total += this.size(item, at, path);
    }
    return total;
  }
}

function keySegment(key: unknown): PathSegment {
  return isScalar(key) ? String(key.value) : '?';
}
