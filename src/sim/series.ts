/**
 * Cumulative counts over virtual time in fixed buckets, for the report's charts. A run sees
 * about a million exchanges, so counting is one division and one array write, and memory is
 * a few fixed arrays however long the run: when time runs past the last bucket, neighbouring
 * buckets merge and the bucket doubles.
 */
export const SERIES_KEYS = ['requests', 'revealed', 'legitDenied'] as const;
export type SeriesKey = (typeof SERIES_KEYS)[number];

/** Most points a series keeps: enough for a chart, small enough for the JSON report. */
export const MAX_POINTS = 240;

export interface Series {
  /** Bucket i covers virtual ms [i × bucketMs, (i + 1) × bucketMs). */
  readonly bucketMs: number;
  /** Cumulative counts at the end of each bucket, up to the run's last bucket. */
  readonly requests: readonly number[];
  /** Distinct accounts revealed to attackers. */
  readonly revealed: readonly number[];
  /** Legit discover requests refused. */
  readonly legitDenied: readonly number[];
}

export interface SeriesCollector {
  count(at: number, key: SeriesKey): void;
  result(virtualMs: number): Series;
}

/**
 * `durationMs`, when known, sizes the buckets so the planned run fills the series without
 * merging; without it buckets start at one second and grow.
 */
export function createSeries(durationMs?: number, maxPoints = MAX_POINTS): SeriesCollector {
  const points = Math.max(2, Math.floor(maxPoints / 2) * 2);
  // +1 so a count at exactly durationMs still lands in the last bucket.
  let bucketMs =
    durationMs !== undefined && durationMs > 0 ? Math.max(1, Math.ceil((durationMs + 1) / points)) : 1000;
  const counts: Record<SeriesKey, Float64Array> = {
    requests: new Float64Array(points),
    revealed: new Float64Array(points),
    legitDenied: new Float64Array(points),
  };
  let last = 0;

  const merge = (): void => {
    for (const a of Object.values(counts)) {
      for (let i = 0; i < points / 2; i++) a[i] = (a[2 * i] as number) + (a[2 * i + 1] as number);
      a.fill(0, points / 2);
    }
    bucketMs *= 2;
    last = Math.floor(last / 2);
  };
  const bucketOf = (at: number): number => {
    let i = Math.floor(Math.max(0, at) / bucketMs);
    while (i >= points) {
      merge();
      i = Math.floor(Math.max(0, at) / bucketMs);
    }
    return i;
  };

  return {
    count(at, key) {
      const i = bucketOf(at);
      const a = counts[key];
      a[i] = (a[i] as number) + 1;
      if (i > last) last = i;
    },
    result(virtualMs) {
      const end = Math.max(last, bucketOf(virtualMs));
      const cumulative = (a: Float64Array): number[] => {
        const out: number[] = [];
        let sum = 0;
        for (let i = 0; i <= end; i++) out.push((sum += a[i] as number));
        return out;
      };
      return {
        bucketMs,
        requests: cumulative(counts.requests),
        revealed: cumulative(counts.revealed),
        legitDenied: cumulative(counts.legitDenied),
      };
    },
  };
}
