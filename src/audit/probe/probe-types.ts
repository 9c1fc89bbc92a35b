import type { NumberSource } from './synthetic-numbers.ts';
import type { ProbeSettings } from './probe-settings.ts';

/** What one probe run records, shared by the loop (probe-run.ts) and the report (probe-report.ts). */

/** A country's mobile number space, and where its size comes from. */
export interface NumberSpace {
  readonly country: string;
  readonly mobileNumbers: number;
  readonly source: string;
}

/** One lookup request as the report sees it. */
export interface Observation {
  readonly phase: number;
  /** The rate the phase aimed at, requests per second. */
  readonly rate: number;
  /** When the request went, ms since the probe began. */
  readonly sentAtMs: number;
  /** When the answer came, ms since the probe began. */
  readonly atMs: number;
  readonly status: number;
  readonly latencyMs: number;
  readonly lookups: number;
  readonly retryAfterMs: number | undefined;
  readonly rateLimitHeaders: readonly string[];
  readonly records: number;
  readonly knownAsked: number;
  readonly knownFound: number;
  readonly profileFields: readonly string[];
}

export type StopReason =
  'max-requests' | 'max-duration' | 'retry-after-too-long' | 'blocked' | 'refused' | 'errors';

export interface ProbeRun {
  readonly settings: ProbeSettings;
  readonly source: NumberSource;
  readonly observations: readonly Observation[];
  readonly elapsedMs: number;
  readonly stopReason: StopReason;
  /** The Retry-After the probe would have had to wait out when it stopped on one. */
  readonly pendingWaitMs: number;
  readonly userAgent: string;
}
