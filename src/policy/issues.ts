import type * as z from 'zod';
import { EnumguardError } from '../core/errors.ts';
import { describeValue, type PathSegment } from './values.ts';

/** One problem found in a policy file, located for a human: `policy.yaml:14 routes[2].limits[0].rate: …`. */
export interface PolicyIssue {
  /**
   * 1-based line of the offending node (or of its parent mapping when a key is missing); 0 when the
   * policy was given as an object, which has no lines.
   */
  readonly line: number;
  /** `routes[2].limits[0].rate`; empty for problems with the file as a whole. */
  readonly path: string;
  readonly message: string;
}

/** An issue before it is given a line: the path into the YAML document. */
export interface RawIssue {
  readonly path: readonly PathSegment[];
  readonly message: string;
}

/**
 * ERR_POLICY_INVALID with every issue as data, for callers (the CLI, the admin API) that
 * present them their own way. The message holds one formatted line per issue, sorted by line.
 */
export class PolicyError extends EnumguardError {
  readonly source: string;
  readonly issues: readonly PolicyIssue[];

  constructor(source: string, issues: readonly PolicyIssue[]) {
    super('ERR_POLICY_INVALID', formatIssues(source, issues));
    this.source = source;
    this.issues = issues;
  }
}

export function formatIssue(file: string, issue: PolicyIssue): string {
  // Line 0: the policy was an object, not text, so only the path locates the issue.
  const at = issue.line === 0 ? file : `${file}:${issue.line}`;
  const path = oneLine(issue.path);
  const message = oneLine(issue.message);
  return path === '' ? `${at}: ${message}` : `${at} ${path}: ${message}`;
}

/**
 * One issue, one line: a key or value quoted into a path or message may hold line breaks or
 * other control characters (a quoted YAML key, an object's key), shown escaped instead.
 */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

export function formatIssues(file: string, issues: readonly PolicyIssue[]): string {
  return issues.map((i) => formatIssue(file, i)).join('\n');
}

export function sortIssues(issues: readonly PolicyIssue[]): PolicyIssue[] {
  // Array.prototype.sort is stable, so issues on one line keep the order they were found in.
  return [...issues].sort((a, b) => a.line - b.line);
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
};

/** Marks zod's unknown-key issue so `fromZodIssues` can split it into one issue per key. */
const UNKNOWN_KEYS_TAG = '\u0000unknown-keys:';

/**
 * zod's per-parse error map: the policy's own wording instead of zod's defaults. Messages
 * passed explicitly (custom issues) are kept as they are.
 */
export const policyErrorMap: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return 'is required';
      return `expected ${TYPE_NAMES[iss.expected] ?? iss.expected}, got ${describeValue(iss.input)}`;
    case 'invalid_value': {
      if (iss.input === undefined) return 'is required';
      const values = iss.values.map((v) => describeValue(v));
      const expected = values.length === 1 ? values[0] : `one of ${values.join(', ')}`;
      return `expected ${expected}, got ${describeValue(iss.input)}`;
    }
    case 'too_small':
      if (iss.origin === 'array') return `expected at least ${String(iss.minimum)} item(s)`;
      if (iss.origin === 'string') return 'expected a non-empty string';
      return undefined;
    case 'unrecognized_keys': {
      const inst: unknown = iss.inst;
      const shape =
        typeof inst === 'object' &&
        inst !== null &&
        'shape' in inst &&
        typeof inst.shape === 'object' &&
        inst.shape
          ? Object.keys(inst.shape)
          : [];
      return UNKNOWN_KEYS_TAG + JSON.stringify(shape);
    }
    default:
      return undefined;
  }
};

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

export function unknownKeyMessage(key: string, allowed: readonly string[]): string {
  const near = allowed
    .map((k) => ({ k, d: editDistance(key.toLowerCase(), k.toLowerCase()) }))
    .filter((c) => c.d <= 2)
    .sort((a, b) => a.d - b.d)[0];
  if (near) return `unknown key ${JSON.stringify(key)}; did you mean ${JSON.stringify(near.k)}?`;
  return `unknown key ${JSON.stringify(key)}; expected one of ${allowed.join(', ')}`;
}

/** zod issues as raw policy issues: unknown keys become one issue per key, located at that key. */
export function fromZodIssues(issues: readonly z.core.$ZodIssue[]): RawIssue[] {
  const out: RawIssue[] = [];
  for (const iss of issues) {
    const path = iss.path.filter((p): p is PathSegment => typeof p !== 'symbol');
    if (iss.code === 'unrecognized_keys' && iss.message.startsWith(UNKNOWN_KEYS_TAG)) {
      const allowed = JSON.parse(iss.message.slice(UNKNOWN_KEYS_TAG.length)) as string[];
      for (const key of iss.keys)
        out.push({ path: [...path, key], message: unknownKeyMessage(key, allowed) });
    } else {
      out.push({ path, message: iss.message });
    }
  }
  return out;
}
