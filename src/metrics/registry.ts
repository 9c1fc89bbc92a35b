import { internalError } from '../core/internal-error.ts';
import {
  checkLabelName,
  checkMetricName,
  renderExposition,
  type MetricFamily,
  type MetricSample,
  type MetricType,
} from './exposition.ts';

export interface MetricDefinition {
  readonly name: string;
  readonly help: string;
  /** Label names, in the order `inc`/`set` take their values. Default: none. */
  readonly labelNames?: readonly string[];
}

export interface Counter {
  /** Adds `by` (default 1, never negative) to the series of these label values. */
  inc(labelValues?: readonly string[], by?: number): void;
  /** The series' value now; 0 for a series never touched. */
  value(labelValues?: readonly string[]): number;
}

export interface Gauge {
  set(labelValues: readonly string[], value: number): void;
  value(labelValues?: readonly string[]): number;
}

/**
 * A small metrics registry: counters and gauges kept here, plus families computed at scrape
 * time (`collect`), for figures some other component already counts (the resilient store's
 * stats, the process' memory). Rendered in the Prometheus text format (exposition.ts).
 */
export interface MetricRegistry {
  counter(definition: MetricDefinition): Counter;
  gauge(definition: MetricDefinition): Gauge;
  /** A source read at every scrape; its families follow the registered ones, in order. */
  collect(source: () => readonly MetricFamily[]): void;
  families(): MetricFamily[];
  /** The whole exposition, 0.0.4 text. */
  render(): string;
}

interface Series {
  readonly labels: Readonly<Record<string, string>>;
  value: number;
}

interface Held {
  readonly family: Omit<MetricFamily, 'samples'>;
  readonly series: Map<string, Series>;
}

const NO_LABELS: readonly string[] = [];

export function createRegistry(): MetricRegistry {
  const held: Held[] = [];
  const sources: (() => readonly MetricFamily[])[] = [];
  const names = new Set<string>();

  function define(definition: MetricDefinition, type: MetricType) {
    const { name, help } = definition;
    const labelNames = definition.labelNames ?? NO_LABELS;
    checkMetricName(name);
    for (const label of labelNames) checkLabelName(label);
    if (names.has(name)) throw internalError(`metric ${name} is defined twice`);
    names.add(name);
    const series = new Map<string, Series>();
    held.push({ family: { name, help, type }, series });

    function keyOf(values: readonly string[]): string {
      if (values.length !== labelNames.length) {
        throw internalError(
          `metric ${name} takes ${labelNames.length} label values (${labelNames.join(', ')}), got ${values.length}`,
        );
      }
      // JSON keeps ["a,b"] and ["a", "b"] apart, whatever the values hold.
      return values.length === 0 ? '' : values.length === 1 ? (values[0] as string) : JSON.stringify(values);
    }
    /** The series of these label values, created at first use. */
    function seriesOf(values: readonly string[]): Series {
      const key = keyOf(values);
      let s = series.get(key);
      if (s === undefined) {
        const labels: Record<string, string> = {};
        labelNames.forEach((label, i) => {
          labels[label] = values[i] as string;
        });
        s = { labels, value: 0 };
        series.set(key, s);
      }
      return s;
    }
    // Reading creates no series: only what was counted or set is exposed.
    const value = (values: readonly string[] = NO_LABELS): number => series.get(keyOf(values))?.value ?? 0;
    return { seriesOf, value };
  }

  function families(): MetricFamily[] {
    const out: MetricFamily[] = held.map(({ family, series }) => ({
      ...family,
      samples: [...series.values()].map((s): MetricSample => ({ labels: s.labels, value: s.value })),
    }));
    for (const source of sources) out.push(...source());
    return out;
  }

  return {
    counter(definition) {
      const { seriesOf, value } = define(definition, 'counter');
      return {
        inc(labelValues = NO_LABELS, by = 1) {
          // A counter only goes up (a reset is a process restart): Prometheus' rate() relies on it.
          if (!(by >= 0) || !Number.isFinite(by)) {
            throw internalError(`counter ${definition.name} cannot add ${by}`);
          }
          seriesOf(labelValues).value += by;
        },
        value,
      };
    },
    gauge(definition) {
      const { seriesOf, value } = define(definition, 'gauge');
      return {
        set(labelValues, v) {
          seriesOf(labelValues).value = v;
        },
        value,
      };
    },
    collect(source) {
      sources.push(source);
    },
    families,
    render: () => renderExposition(families()),
  };
}
