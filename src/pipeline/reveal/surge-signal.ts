import type { Clock } from '../../core/clock.ts';

/** A population surge, as the pipeline reports it (`PipelineOptions.onSurge`). */
export interface PopulationSurge {
  readonly at: number;
  /** The route whose lookup found the population budget spent. */
  readonly route: string;
  /** When the budget gives its next reveal. */
  readonly retryAfterMs: number;
}

/** Told each time a lookup finds the population budget spent; reports a surge at most once per interval. */
export interface SurgeSignal {
  spent(route: string, retryAfterMs: number): void;
}

/** One report a minute is enough to page someone and cheap when every unanchored lookup finds the budget dry. */
export const SURGE_REPORT_EVERY_MS = 60_000;

export function createSurgeSignal(
  clock: Clock,
  report: (surge: PopulationSurge) => void,
  everyMs: number = SURGE_REPORT_EVERY_MS,
): SurgeSignal {
  let last = -Infinity;
  return {
    spent(route, retryAfterMs) {
      const now = clock.now();
      if (now - last < everyMs) return;
      last = now;
      report({ at: now, route, retryAfterMs });
    },
  };
}
