import type { Rng } from '../../src/core/rng.ts';
import { pick } from './fuzz-rng.ts';

/**
 * Hostile JavaScript values for a policy given as an object (compilePolicy's other input):
 * what code building its policy could hand over by mistake, beyond what YAML can express.
 */
function hostileValue(rng: Rng): unknown {
  const deep = (depth: number): unknown => {
    let v: unknown = 1;
    for (let i = 0; i < depth; i++) v = rng.int(2) === 0 ? [v] : { a: v };
    return v;
  };
  const choices: (() => unknown)[] = [
    () => undefined,
    () => null,
    () => NaN,
    () => Infinity,
    () => -Infinity,
    () => -0,
    () => Number.MAX_VALUE,
    () => 2 ** 53 + 2,
    () => 10n,
    () => Symbol('s'),
    () => () => 1,
    () => new Date(0),
    () => /re/,
    () => new Map([['a', 1]]),
    () => new Set([1]),
    () => new Uint8Array(4),
    () => Object.create(null) as object,
    () => JSON.parse('{"__proto__": {"polluted": true}}') as unknown,
    () => ({ constructor: 'x', toString: 1, valueOf: 'y' }),
    () => '',
    () => '\ud800',
    () => 'x'.repeat(100_000),
    () => [],
    () => Array.from({ length: 10_000 }, (_, i) => i),
    () => new Array<unknown>(5),
    () => deep(10 + rng.int(20_000)),
    () => true,
    () => '5/1s',
    () => ({}),
  ];
  return pick(rng, choices)();
}

/** Plain data (what YAML gives): a typed array, Map or Date planted earlier is a leaf. */
function isPlain(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return Array.isArray(v) || proto === Object.prototype || proto === null;
}

/** Replaces one node of `doc` (a parsed policy) with a hostile value, in place; the path changed. */
export function mutateObject(doc: unknown, rng: Rng): string {
  if (!isPlain(doc)) return '(root)';
  let node = doc;
  const path: string[] = [];
  // Walk down a few levels, then replace or add one member.
  for (let depth = 0; depth < 1 + rng.int(6); depth++) {
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const key = pick(rng, keys);
    const child = node[key];
    if (!isPlain(child)) break;
    path.push(key);
    node = child;
  }
  const keys = Object.keys(node);
  const key =
    keys.length > 0 && rng.int(5) > 0 ? pick(rng, keys) : pick(rng, ['x-new', '__proto__', 'constructor']);
  Object.defineProperty(node, key, {
    value: hostileValue(rng),
    enumerable: true,
    configurable: true,
    writable: true,
  });
  path.push(key);
  return path.join('.');
}
