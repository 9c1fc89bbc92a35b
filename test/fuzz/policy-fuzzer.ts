import { parse } from 'yaml';
import { EnumguardError } from '../../src/core/errors.ts';
import { compilePolicy } from '../../src/policy/index.ts';
import type { PolicyInput } from '../../src/policy/schema.ts';
import { loadPolicyCorpus, FUZZ_ENV, type CorpusPolicy } from './policy-corpus.ts';
import { caseRng, pick } from './fuzz-rng.ts';
import { mutateObject } from './policy-object-mutations.ts';
import { mutateText } from './policy-mutations.ts';

/**
 * The policy fuzzer (issue 13): mutations of every shipped policy, YAML bombs, deep nesting,
 * huge numbers, unicode, and hostile objects. The property: compilePolicy returns a policy or
 * throws an EnumguardError whose message is located (names the file, and for YAML text a line
 * on every issue), never anything else, and never takes longer than SLOW_MS.
 */
export const SOURCE = 'fuzz.yaml';
/** A case that takes more CPU than this is reported: no policy of a sane size takes a tenth of it. */
export const SLOW_MS = 2000;

export interface PolicyCase {
  readonly index: number;
  readonly base: string;
  readonly kind: 'text' | 'object';
  readonly mutations: readonly string[];
  readonly input: string | PolicyInput;
  readonly baseDir: string;
}

export interface PolicyFailure {
  readonly index: number;
  readonly base: string;
  readonly mutations: readonly string[];
  readonly problem: string;
}

export interface PolicyFuzzReport {
  readonly seed: number;
  readonly from: number;
  readonly cases: number;
  readonly compiled: number;
  readonly refused: number;
  readonly failures: PolicyFailure[];
  readonly slowestMs: number;
  readonly seconds: number;
}

/** Case `index` of the run seeded `seed`: the same pair always gives the same case. */
export function policyCase(corpus: readonly CorpusPolicy[], seed: number, index: number): PolicyCase {
  const rng = caseRng(seed, index);
  const base = pick(rng, corpus);
  const doc = rng.int(3) === 0 ? parsed(base.text) : undefined;
  if (doc !== undefined) {
    const mutations = Array.from({ length: 1 + rng.int(3) }, () => `object ${mutateObject(doc, rng)}`);
    return {
      index,
      base: base.name,
      kind: 'object',
      mutations,
      input: doc as PolicyInput,
      baseDir: base.baseDir,
    };
  }
  const { text, applied } = mutateText(base.text, rng);
  return { index, base: base.name, kind: 'text', mutations: applied, input: text, baseDir: base.baseDir };
}

/** The base as plain data, or undefined when it is not valid YAML (an invalid fixture). */
function parsed(text: string): unknown {
  try {
    return parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Undefined when the case holds the property, else what went wrong. */
export function checkPolicyCase(c: PolicyCase): { problem?: string; compiled: boolean; ms: number } {
  // CPU time, not wall time: a loaded machine must not pass for a hang.
  const started = process.cpuUsage();
  let compiled = false;
  let problem: string | undefined;
  try {
    compilePolicy(c.input, { source: SOURCE, baseDir: c.baseDir, env: FUZZ_ENV });
    compiled = true;
  } catch (err) {
    problem = unlocated(err, c.kind);
  }
  const used = process.cpuUsage(started);
  const ms = (used.user + used.system) / 1000;
  if (problem === undefined && ms > SLOW_MS) problem = `took ${ms.toFixed(0)} ms of CPU`;
  return problem === undefined ? { compiled, ms } : { problem, compiled, ms };
}

/** Why a thrown value breaks the property, or undefined when it is a located EnumguardError. */
function unlocated(err: unknown, kind: PolicyCase['kind']): string | undefined {
  if (!(err instanceof EnumguardError)) {
    const e = err as Error;
    return `threw ${e?.constructor?.name ?? typeof err}: ${String(e?.message ?? err).slice(0, 300)}`;
  }
  const located = kind === 'text' ? /^fuzz\.yaml:\d+[ :]/ : /^fuzz\.yaml(:\d+)?[ :]/;
  for (const line of err.message.split('\n')) {
    if (!located.test(line)) return `${err.code} without a location: ${line.slice(0, 300)}`;
  }
  return undefined;
}

/** Runs cases [from, from + cases) of the run seeded `seed`. */
export function fuzzPolicies(options: {
  seed: number;
  cases: number;
  from?: number;
  onProgress?: (done: number) => void;
}): PolicyFuzzReport {
  const corpus = loadPolicyCorpus();
  const from = options.from ?? 0;
  const started = performance.now();
  const failures: PolicyFailure[] = [];
  let compiled = 0;
  let refused = 0;
  let slowestMs = 0;
  for (let i = from; i < from + options.cases; i++) {
    const c = policyCase(corpus, options.seed, i);
    const result = checkPolicyCase(c);
    if (result.compiled) compiled++;
    else if (result.problem === undefined) refused++;
    slowestMs = Math.max(slowestMs, result.ms);
    if (result.problem !== undefined) {
      failures.push({ index: i, base: c.base, mutations: c.mutations, problem: result.problem });
    }
    if (options.onProgress !== undefined && (i - from + 1) % 1000 === 0) options.onProgress(i - from + 1);
  }
  return {
    seed: options.seed,
    from,
    cases: options.cases,
    compiled,
    refused,
    failures,
    slowestMs,
    seconds: (performance.now() - started) / 1000,
  };
}
