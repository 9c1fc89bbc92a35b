import { internalError } from '../core/internal-error.ts';

/**
 * The Prometheus text exposition format, version 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format):
 *
 *   # HELP <name> <help, with \ and newline escaped>
 *   # TYPE <name> counter|gauge
 *   <name>{<label>="<value, with \ " and newline escaped>",...} <value>
 *
 * One HELP and one TYPE line per family, its samples right after them, every line ending in a
 * newline. Values are Go floats: `NaN`, `+Inf`, `-Inf` or a decimal number.
 */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type MetricType = 'counter' | 'gauge';

export interface MetricSample {
  /** Label name → value; names in the order they are written. */
  readonly labels?: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly samples: readonly MetricSample[];
}

/** A family of one unlabelled sample: a figure read at scrape time. */
export function scalarFamily(type: MetricType, name: string, help: string, value: number): MetricFamily {
  return { name, help, type, samples: [{ value }] };
}

const METRIC_NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Throws ERR_INTERNAL for a name Prometheus would reject: enumguard defines every metric itself. */
export function checkMetricName(name: string): void {
  if (!METRIC_NAME_RE.test(name)) {
    throw internalError(`invalid metric name ${JSON.stringify(name)}: expected [a-zA-Z_:][a-zA-Z0-9_:]*`);
  }
}

/** Label names match [a-zA-Z_][a-zA-Z0-9_]*; names starting with "__" are Prometheus' own. */
export function checkLabelName(name: string): void {
  if (!LABEL_NAME_RE.test(name) || name.startsWith('__')) {
    throw internalError(
      `invalid label name ${JSON.stringify(name)}: expected [a-zA-Z_][a-zA-Z0-9_]* not starting with "__"`,
    );
  }
}

/** A label value: backslash, double quote and line feed escaped; everything else verbatim (UTF-8). */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/** HELP text: backslash and line feed escaped (a double quote is not, in 0.0.4). */
export function escapeHelp(help: string): string {
  return help.replace(/[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\\\'));
}

/** A sample value as Go's ParseFloat reads it. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  // String(-0) is "0"; every other double prints in a form ParseFloat takes back exactly.
  return String(value);
}

function sampleLine(name: string, sample: MetricSample): string {
  const labels = sample.labels;
  let text = name;
  if (labels !== undefined) {
    const pairs: string[] = [];
    for (const key of Object.keys(labels)) {
      checkLabelName(key);
      pairs.push(`${key}="${escapeLabelValue(labels[key] as string)}"`);
    }
    if (pairs.length > 0) text += `{${pairs.join(',')}}`;
  }
  return `${text} ${formatValue(sample.value)}\n`;
}

/**
 * The exposition of `families`, in their order. A name twice, or a name or label name that
 * is not valid, throws ERR_INTERNAL: a scrape must never get a page Prometheus rejects whole.
 */
export function renderExposition(families: readonly MetricFamily[]): string {
  const seen = new Set<string>();
  let out = '';
  for (const family of families) {
    checkMetricName(family.name);
    if (seen.has(family.name)) {
      throw internalError(`metric ${family.name} is defined twice`);
    }
    seen.add(family.name);
    out += `# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} ${family.type}\n`;
    for (const sample of family.samples) out += sampleLine(family.name, sample);
  }
  return out;
}
