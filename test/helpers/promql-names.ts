/**
 * The series a PromQL expression reads, for tests that hold dashboards and alert rules to the
 * metrics the gateway really exports. Not a PromQL parser (promtool checks syntax): a
 * tokenizer that knows enough of the grammar to tell a metric name from a function, an
 * aggregation, a keyword, a grouping label or a duration.
 *
 * PromQL grammar: https://prometheus.io/docs/prometheus/latest/querying/basics/ — a selector
 * is `name{matchers}`, `name` or `{__name__="name", ...}`; functions and aggregations are
 * followed by `(` (aggregations may put `by (...)`/`without (...)` first); `on`, `ignoring`,
 * `group_left` and `group_right` take label lists; `[...]` holds a range or subquery.
 * Grafana's variables (`$__rate_interval`, `${route}`) are skipped where they stand.
 */

export interface PromqlSelector {
  /** The metric name, as written or from an `__name__="..."` matcher. */
  readonly metric: string;
  /** The label names its matchers use, `__name__` excluded. */
  readonly labels: readonly string[];
}

export interface PromqlNames {
  readonly selectors: readonly PromqlSelector[];
  /** Labels named in `by`, `without`, `on`, `ignoring`, `group_left` and `group_right` lists. */
  readonly groupingLabels: readonly string[];
}

/** Aggregation operators: followed by `(` or by a `by`/`without` clause. Keywords are case-insensitive. */
const AGGREGATIONS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
  'limitk',
  'limit_ratio',
]);
/** Keywords taking a label list in parentheses (the list is optional after group_*). */
const GROUPING = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
/** Other words that are never a metric: set operators, modifiers, number literals. */
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'atan2', 'inf', 'nan']);

type Token =
  | { readonly kind: 'ident'; readonly text: string }
  | { readonly kind: 'string'; readonly text: string }
  | { readonly kind: 'punct'; readonly text: string };

const IDENT = /[a-zA-Z_:][a-zA-Z0-9_:]*/y;
const NUMBER = /(?:0x[0-9a-fA-F]+|[0-9][0-9.]*(?:e[+-]?[0-9]+)?(?:[a-zA-Z]+[0-9]*)*)/y;
const VARIABLE = /\$(?:\{[^}]*\}|\[\[[^\]]*\]\]|[a-zA-Z0-9_]+)/y;

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const at = (re: RegExp): string | undefined => {
    re.lastIndex = i;
    const m = re.exec(expr);
    return m ? m[0] : undefined;
  };
  while (i < expr.length) {
    const c = expr[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '#') {
      while (i < expr.length && expr[i] !== '\n') i++;
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      let text = '';
      while (j < expr.length && expr[j] !== c) {
        if (expr[j] === '\\' && c !== '`') j++;
        text += expr[j] ?? '';
        j++;
      }
      if (j >= expr.length) throw new Error(`unterminated string in ${JSON.stringify(expr)}`);
      tokens.push({ kind: 'string', text });
      i = j + 1;
    } else if (c === '$') {
      const v = at(VARIABLE);
      if (v === undefined) throw new Error(`a lone $ in ${JSON.stringify(expr)}`);
      i += v.length;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(expr[i + 1] ?? ''))) {
      i += (at(NUMBER) ?? c).length;
    } else {
      const ident = at(IDENT);
      if (ident !== undefined) {
        tokens.push({ kind: 'ident', text: ident });
        i += ident.length;
      } else {
        tokens.push({ kind: 'punct', text: c });
        i++;
      }
    }
  }
  return tokens;
}

/** The index just past the bracket that closes the one at `open`. */
function skipBracket(tokens: readonly Token[], open: number, close: string): number {
  const opener = (tokens[open] as Token).text;
  let depth = 0;
  for (let k = open; k < tokens.length; k++) {
    const t = tokens[k] as Token;
    if (t.kind !== 'punct') continue;
    if (t.text === opener) depth++;
    else if (t.text === close && --depth === 0) return k + 1;
  }
  throw new Error(`unbalanced ${opener}`);
}

/** Reads the matchers of `{...}` starting at `open`: label names and the `__name__` value. */
function readMatchers(
  tokens: readonly Token[],
  open: number,
): { end: number; labels: string[]; name?: string } {
  const end = skipBracket(tokens, open, '}');
  const labels: string[] = [];
  let name: string | undefined;
  for (let k = open + 1; k < end - 1; k++) {
    const t = tokens[k] as Token;
    if (t.kind !== 'ident') continue;
    // A label name is followed by an operator (=, !=, =~, !~) and then a string.
    const op = tokens[k + 1];
    if (op?.kind !== 'punct' || !['=', '!'].includes(op.text)) continue;
    if (t.text === '__name__') {
      // Only an exact match names one metric; a regex (=~) could name any.
      const value = tokens[k + 2];
      if (op.text === '=' && value?.kind === 'string') name = value.text;
    } else {
      labels.push(t.text);
    }
  }
  return { end, labels, ...(name === undefined ? {} : { name }) };
}

/** The metrics an expression selects (with their matchers' labels) and its grouping labels. */
export function promqlNames(expr: string): PromqlNames {
  const tokens = tokenize(expr);
  const selectors: PromqlSelector[] = [];
  const groupingLabels: string[] = [];
  let k = 0;
  while (k < tokens.length) {
    const t = tokens[k] as Token;
    const next = tokens[k + 1];
    if (t.kind === 'punct' && t.text === '[') {
      k = skipBracket(tokens, k, ']'); // a range or subquery: durations only
    } else if (t.kind === 'punct' && t.text === '{') {
      const m = readMatchers(tokens, k);
      if (m.name === undefined)
        throw new Error(`a selector without a metric name in ${JSON.stringify(expr)}`);
      selectors.push({ metric: m.name, labels: m.labels });
      k = m.end;
    } else if (t.kind !== 'ident') {
      k++;
    } else if (GROUPING.has(t.text.toLowerCase())) {
      k++;
      if (tokens[k]?.text === '(') {
        const end = skipBracket(tokens, k, ')');
        for (const x of tokens.slice(k + 1, end - 1)) if (x.kind === 'ident') groupingLabels.push(x.text);
        k = end;
      }
    } else if (next?.kind === 'punct' && next.text === '(') {
      k++; // a function call: its arguments are read as they come
    } else if (AGGREGATIONS.has(t.text.toLowerCase()) || KEYWORDS.has(t.text.toLowerCase())) {
      k++;
    } else if (next?.kind === 'punct' && next.text === '{') {
      const m = readMatchers(tokens, k + 1);
      selectors.push({ metric: t.text, labels: m.labels });
      k = m.end;
    } else {
      selectors.push({ metric: t.text, labels: [] });
      k++;
    }
  }
  return { selectors, groupingLabels };
}

/**
 * The metric of Grafana's `label_values(metric, label)` or `label_values(metric{...}, label)`
 * variable query, with the label it lists; undefined for another query.
 */
export function grafanaLabelValues(query: string): { metric: PromqlSelector; label: string } | undefined {
  const m = /^\s*label_values\(\s*(.+),\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*$/s.exec(query);
  if (m === null) return undefined;
  const [selector] = promqlNames(m[1] as string).selectors;
  return selector === undefined ? undefined : { metric: selector, label: m[2] as string };
}
