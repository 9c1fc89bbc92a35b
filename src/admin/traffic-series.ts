import type { Clock } from '../core/clock.ts';

/**
 * Requests and refusals per second over the last `seconds`, for the dashboard's chart: one
 * bucket per second in a ring, fed by the gateway's per-request report (which holds no
 * identity: a route id and a reason from a fixed vocabulary). Bounded: `seconds` buckets, and
 * reasons are the gateway's fixed set.
 */
/** What the series reads of the gateway's per-request report (gateway/request-report.ts). */
export interface TrafficReport {
  readonly outcome: 'allowed' | 'denied' | 'withheld';
  /** `ok`, or the decision reason / problem code sent (a fixed vocabulary). */
  readonly reason: string;
}

export interface TrafficSeries {
  count(report: TrafficReport): void;
  /** Whole seconds (ms since the epoch, floored) oldest first, the requests in each and the refusals by reason. */
  snapshot(): {
    readonly seconds: readonly number[];
    readonly requests: readonly number[];
    readonly refusals: Readonly<Record<string, readonly number[]>>;
  };
}

export function createTrafficSeries(clock: Clock, seconds = 300): TrafficSeries {
  const requests = new Float64Array(seconds);
  const refusals = new Map<string, Float64Array>();
  // The second each slot holds; a slot of an older second is stale and reads as 0.
  const slotSecond = new Float64Array(seconds).fill(-1);

  function slot(second: number): number {
    const i = second % seconds;
    if (slotSecond[i] !== second) {
      slotSecond[i] = second;
      requests[i] = 0;
      for (const counts of refusals.values()) counts[i] = 0;
    }
    return i;
  }

  return {
    count(report) {
      const i = slot(Math.floor(clock.now() / 1000));
      requests[i] = (requests[i] as number) + 1;
      if (report.outcome === 'allowed') return;
      let counts = refusals.get(report.reason);
      if (counts === undefined) {
        counts = new Float64Array(seconds);
        refusals.set(report.reason, counts);
      }
      counts[i] = (counts[i] as number) + 1;
    },
    snapshot() {
      const now = Math.floor(clock.now() / 1000);
      const out = {
        seconds: [] as number[],
        requests: [] as number[],
        refusals: {} as Record<string, number[]>,
      };
      for (const reason of refusals.keys()) out.refusals[reason] = [];
      for (let s = now - seconds + 1; s <= now; s++) {
        const i = ((s % seconds) + seconds) % seconds;
        const live = slotSecond[i] === s;
        out.seconds.push(s * 1000);
        out.requests.push(live ? (requests[i] as number) : 0);
        for (const [reason, counts] of refusals) out.refusals[reason]?.push(live ? (counts[i] as number) : 0);
      }
      return out;
    },
  };
}
