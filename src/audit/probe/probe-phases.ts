import type { Observation } from './probe-types.ts';

/** One phase of the rising rate, as measured. */
export interface PhaseStats {
  readonly phase: number;
  /** The rate aimed at, requests per second. */
  readonly rate: number;
  readonly requests: number;
  /** Lookups in 2xx answers. */
  readonly answeredLookups: number;
  /** Answered lookups per second over the phase's span. */
  readonly achievedPerSecond: number;
  readonly medianLatencyMs: number;
  readonly knownAsked: number;
  readonly knownFound: number;
}

/**
 * Per-phase figures. A phase spans from its first request to the next phase's first request;
 * the last phase at least as long as its schedule (requests / rate), so one fast answer does
 * not read as an unbounded rate.
 */
export function phaseStats(observations: readonly Observation[], elapsedMs: number): PhaseStats[] {
  const groups = new Map<number, Observation[]>();
  for (const o of observations) {
    const g = groups.get(o.phase);
    if (g) g.push(o);
    else groups.set(o.phase, [o]);
  }
  const phases = [...groups.entries()].sort((a, b) => a[0] - b[0]);
  return phases.map(([phase, list], i) => {
    const first = list[0] as Observation;
    const nextFirst = phases[i + 1]?.[1][0];
    const scheduledMs = (list.length * 1000) / first.rate;
    const spanMs =
      nextFirst !== undefined
        ? nextFirst.sentAtMs - first.sentAtMs
        : Math.max(elapsedMs - first.sentAtMs, scheduledMs);
    const answered = list.filter((o) => o.status >= 200 && o.status < 300);
    const answeredLookups = answered.reduce((n, o) => n + o.lookups, 0);
    return {
      phase,
      rate: first.rate,
      requests: list.length,
      answeredLookups,
      achievedPerSecond: spanMs > 0 ? (answeredLookups * 1000) / spanMs : 0,
      medianLatencyMs: median(list.map((o) => o.latencyMs)),
      knownAsked: list.reduce((n, o) => n + o.knownAsked, 0),
      knownFound: list.reduce((n, o) => n + Math.min(o.knownFound, o.knownAsked), 0),
    };
  });
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The first phase whose known numbers came back at under half the first phase's share. */
export function shrinkPhase(phases: readonly PhaseStats[]): PhaseStats | undefined {
  const asked = phases.filter((p) => p.knownAsked > 0);
  const base = asked[0];
  if (!base || base.knownFound === 0) return undefined;
  const baseShare = base.knownFound / base.knownAsked;
  return asked.slice(1).find((p) => p.knownFound / p.knownAsked < baseShare / 2);
}

/** The first phase answered at least 3 times and 100 ms slower than the first (a tarpit). */
export function latencyGrowthPhase(phases: readonly PhaseStats[]): PhaseStats | undefined {
  const base = phases[0];
  if (!base) return undefined;
  return phases
    .slice(1)
    .find(
      (p) => p.medianLatencyMs >= 3 * base.medianLatencyMs && p.medianLatencyMs >= base.medianLatencyMs + 100,
    );
}
