import type { CompiledRoute } from '../../policy/types.ts';
import { pointerTokens } from '../../policy/json-pointer.ts';
import { findDuplicateKey, pathPrefixes } from '../json-duplicate-keys.ts';
import type { Admission } from '../types.ts';
import { refuseWith, type RequestState } from './request-state.ts';

/** What a route prices by: its pointers, their tokens and path prefixes, computed once. */
interface PricedPaths {
  readonly pointers: readonly { readonly pointer: string; readonly tokens: readonly string[] }[];
  readonly prefixes: ReadonlySet<string>;
}

const cache = new WeakMap<CompiledRoute, PricedPaths | null>();

/**
 * The body-shape step, on routes whose cost, distinct limit, batch cap or targets read the
 * JSON body: the body the gateway prices must be the body the upstream reads. Refused (400):
 * a key on the way to a pointer that differs from the pointer's only by case ("Numbers":
 * case-insensitive upstream binders read it), a duplicate key on that way (parsers disagree
 * on which one wins; seen only when the transport passes the raw text), and a body without
 * an array at the pointer (a top-level array, or the member missing), which would cost 1.
 */
export function checkBodyShape(s: RequestState): Admission | undefined {
  const paths = pricedPaths(s.route);
  if (paths === undefined) return undefined;
  const problem = shapeProblem(s.req.body, paths) ?? duplicateProblem(s.req.rawBody, paths);
  return problem === undefined ? undefined : refuseWith(s.route, s.caller, 'bad-request', problem);
}

function shapeProblem(body: unknown, paths: PricedPaths): string | undefined {
  for (const { pointer, tokens } of paths.pointers) {
    const problem = pathProblem(body, pointer, tokens);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function duplicateProblem(raw: string | undefined, paths: PricedPaths): string | undefined {
  if (raw === undefined) return undefined;
  const at = findDuplicateKey(raw, paths.prefixes);
  if (at === undefined) return undefined;
  return `the request body has a duplicate key in the object at ${at === '' ? 'its top level' : at}`;
}

/** Walks one pointer: each step a member of an object (no case variant beside it), the end an array. */
function pathProblem(body: unknown, pointer: string, tokens: readonly string[]): string | undefined {
  const expected = `the request body must be a JSON object with an array at ${pointer}`;
  let node = body;
  for (const token of tokens) {
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d*)$/.test(token) || Number(token) >= node.length) return expected;
      node = node[Number(token)];
    } else if (node !== null && typeof node === 'object') {
      const variant = caseVariant(node, token);
      if (variant !== undefined)
        return `the request body has the key ${JSON.stringify(variant)}, which differs from ${JSON.stringify(token)} (at ${pointer}) only by case`;
      if (!Object.hasOwn(node, token)) return expected;
      node = (node as Record<string, unknown>)[token];
    } else {
      return expected;
    }
  }
  // The member is there but no array: the wording the batch step has always used.
  return Array.isArray(node) ? undefined : `expected an array at ${pointer}`;
}

/** A key of `obj` other than `token` that equals it ignoring case. */
function caseVariant(obj: object, token: string): string | undefined {
  const lower = token.toLowerCase();
  const upper = token.toUpperCase();
  for (const key of Object.keys(obj)) {
    if (key !== token && (key.toLowerCase() === lower || key.toUpperCase() === upper)) return key;
  }
  return undefined;
}

function pricedPaths(route: CompiledRoute): PricedPaths | undefined {
  let paths = cache.get(route);
  if (paths === undefined) {
    paths = computePaths(route);
    cache.set(route, paths);
  }
  return paths ?? undefined;
}

function computePaths(route: CompiledRoute): PricedPaths | null {
  const set = new Set<string>();
  for (const limit of route.limits) {
    if (limit.cost.kind === 'body-array') set.add(limit.cost.pointer);
    if (limit.distinct) set.add(limit.distinct.pointer);
  }
  if (route.batch) set.add(route.batch.pointer);
  if (route.targets !== undefined) set.add(route.targets);
  if (set.size === 0) return null;
  const pointers = [...set].map((pointer) => ({
    pointer,
    tokens: pointer === '' ? [] : pointerTokens(pointer),
  }));
  return { pointers, prefixes: pathPrefixes([...set]) };
}
