import type { AgentRequest, AgentResponse } from './agent.ts';

/**
 * Ground truth for the discovery-delay split: per number of a legit user's lookup, what it is
 * at time `at` (virtual ms): NOT_REGISTERED, REGISTERED, or MUTUAL (registered, and the
 * contact's own book holds the user's number). Undefined: this user is not tracked.
 */
export type ContactTruth = (user: string, numbers: readonly string[], at: number) => Uint8Array | undefined;
export const NOT_REGISTERED = 0;
export const REGISTERED = 1;
export const MUTUAL = 2;

export interface DelaySplit {
  /** Registered contacts asked about in tracked syncs. */
  readonly contacts: number;
  /** Of those, never seen in a 200 answer to the user before their sync ended or the run did. */
  readonly unrevealed: number;
  /**
   * Delay from the sync's start to the contact's first reveal, over all contacts, unrevealed
   * ones counting as later than the run: null when none, or when the percentile falls among
   * the unrevealed ("> run"). Read from log buckets, within 2.5%.
   */
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
}

export interface ContactDelays {
  onSyncStart(user: string, syncId: number, at: number): void;
  onSyncEnd(user: string, syncId: number): void;
  /** A tracked user's full lookup request: classifies the numbers it asks about for the first time. */
  onLookup(user: string, request: AgentRequest, at: number, truth: ContactTruth): void;
  /** Any 200 answer to the user: its contacts are revealed. */
  onAnswer(user: string, response: AgentResponse, at: number): void;
  result(): { readonly mutual: DelaySplit; readonly other: DelaySplit };
}

/** 100 buckets per decade of ms, up to 10^11 ms (3 years): ~2.3% apart. */
const PER_DECADE = 100;
const BUCKETS = 11 * PER_DECADE + 1;
const bucketOf = (ms: number): number => Math.min(BUCKETS - 1, Math.ceil(Math.log10(1 + ms) * PER_DECADE));
const upperOf = (bucket: number): number => Math.round(10 ** (bucket / PER_DECADE) - 1);

type Lane = 'mutual' | 'other';

interface UserState {
  /** The sync whose requests are being sent now, and each open sync's start. */
  current: number;
  readonly starts: Map<number, number>;
  /** Number text → syncId × 4 + class, while not yet revealed. */
  readonly pending: Map<string, number>;
}

/**
 * Per legit user sync and per registered contact, when it was first revealed. Only what is
 * pending lives per contact (a small map per user with an open sync); delays go into fixed
 * log-bucket histograms, so the cost does not grow with the run.
 */
export function createContactDelays(tracked: (user: string) => boolean): ContactDelays {
  const users = new Map<string, UserState>();
  const histograms = { mutual: new Uint32Array(BUCKETS), other: new Uint32Array(BUCKETS) };
  const totals = { mutual: 0, other: 0 };
  const unrevealed = { mutual: 0, other: 0 };
  const lane = (cls: number): Lane => (cls === MUTUAL ? 'mutual' : 'other');

  return {
    onSyncStart(user, syncId, at) {
      if (!tracked(user)) return;
      let state = users.get(user);
      if (!state) users.set(user, (state = { current: syncId, starts: new Map(), pending: new Map() }));
      state.current = syncId;
      state.starts.set(syncId, at);
    },
    onSyncEnd(user, syncId) {
      const state = users.get(user);
      if (!state) return;
      state.starts.delete(syncId);
      for (const [number, slot] of state.pending) {
        if (Math.floor(slot / 4) !== syncId) continue;
        unrevealed[lane(slot & 3)]++;
        state.pending.delete(number);
      }
      if (state.starts.size === 0) users.delete(user);
    },
    onLookup(user, request, at, truth) {
      const state = users.get(user);
      const numbers = (request.body as { numbers?: unknown } | undefined)?.numbers;
      if (!state || !state.starts.has(state.current) || !Array.isArray(numbers)) return;
      const fresh = (numbers as unknown[]).filter(
        (n): n is string => typeof n === 'string' && !state.pending.has(n),
      );
      const classes = fresh.length === 0 ? undefined : truth(user, fresh, at);
      if (!classes) return;
      for (let i = 0; i < fresh.length; i++) {
        const cls = classes[i] as number;
        // A number twice in one request (books hold duplicates) is one contact.
        if (cls === NOT_REGISTERED || state.pending.has(fresh[i] as string)) continue;
        totals[lane(cls)]++;
        state.pending.set(fresh[i] as string, state.current * 4 + cls);
      }
    },
    onAnswer(user, response, at) {
      const state = users.get(user);
      if (!state || state.pending.size === 0) return;
      const contacts = (response.body as { contacts?: { number?: unknown }[] } | undefined)?.contacts;
      if (!Array.isArray(contacts)) return;
      for (const c of contacts) {
        if (typeof c.number !== 'string') continue;
        const slot = state.pending.get(c.number);
        if (slot === undefined) continue;
        state.pending.delete(c.number);
        const start = state.starts.get(Math.floor(slot / 4)) ?? at;
        const histogram = histograms[lane(slot & 3)];
        const b = bucketOf(at - start);
        histogram[b] = (histogram[b] as number) + 1;
      }
    },
    result() {
      const open = { mutual: 0, other: 0 };
      for (const state of users.values()) for (const slot of state.pending.values()) open[lane(slot & 3)]++;
      const split = (l: Lane): DelaySplit => ({
        contacts: totals[l],
        unrevealed: unrevealed[l] + open[l],
        p50Ms: percentile(histograms[l], totals[l], 0.5),
        p99Ms: percentile(histograms[l], totals[l], 0.99),
      });
      return { mutual: split('mutual'), other: split('other') };
    },
  };
}

/** The p-th percentile of `total` values, those not in the histogram counting as beyond it. */
function percentile(histogram: Uint32Array, total: number, p: number): number | null {
  if (total === 0) return null;
  const rank = Math.ceil(p * total);
  let seen = 0;
  for (let b = 0; b < histogram.length; b++) {
    seen += histogram[b] as number;
    if (seen >= rank) return upperOf(b);
  }
  return null;
}
