import type { Population } from '../../../reference/population/population.ts';
import type { RecycleMode } from './controller.ts';
import type { NetworkSpec } from './networks.ts';

/** What every adaptive attacker kind shares (scenario.ts validates it). */
export interface AdaptiveCommon {
  /** When the attack begins, virtual ms from the start of the run. */
  readonly startAtMs: number;
  /** Accounts in use at once. */
  readonly accounts: number;
  /** SIM numbers it may register in all: replacements for retired accounts come from here. */
  readonly sims: number;
  readonly networks: NetworkSpec;
  /** Per-account lookup pace, numbers per second: where AIMD starts, its floor and its cap. */
  readonly numbersPerSecond: { readonly start: number; readonly min: number; readonly max: number };
  /** Per-account cap on photo and profile fetches, requests per second. */
  readonly fetchesPerSecond: number;
  /** A refusal asking to wait longer than this retires the account (ms; Infinity: wait it out). */
  readonly retireAfterMs: number;
  /** Numbers per lookup it starts with, instead of the scenario's batchSize. */
  readonly batchSize?: number;
}

/** The adaptive attacker kinds (docs/simulator.md, "Adaptive attackers"). */
export type AdaptiveAttacker = AdaptiveCommon &
  (
    | { readonly kind: 'swarm' }
    | {
        readonly kind: 'padding';
        /** Share of each batch that should be registered, as in a real address book. */
        readonly hitRatio: number;
        /** Leaked numbers it starts its pool of known-registered numbers with. */
        readonly leakSize: number;
        /** Fresh candidates as runs of this many consecutive numbers (a hidden range scan). */
        readonly slice?: number;
      }
    | { readonly kind: 'recycler'; readonly recycle: RecycleMode }
    | {
        readonly kind: 'ageing';
        readonly ageMs: number;
        readonly warmupBook: number;
        readonly warmupEveryMs: number;
        readonly leakSize: number;
      }
    | { readonly kind: 'leak-confirm'; readonly size: number; readonly staleShare: number }
    | { readonly kind: 'side-routes'; readonly leakSize?: number }
    | { readonly kind: 'hidden'; readonly hitRatio?: number; readonly leakSize: number }
  );

export type AdaptiveKind = AdaptiveAttacker['kind'];
export const ADAPTIVE_KINDS: readonly AdaptiveKind[] = [
  'swarm',
  'padding',
  'recycler',
  'ageing',
  'leak-confirm',
  'side-routes',
  'hidden',
];

/** The world an adaptive attacker is built for; the same as attackers.ts's AttackerWorld. */
export interface AdaptiveWorld {
  readonly population: Population;
  readonly batchSize: number;
  /** The entry's position in the scenario: it keeps ids, SIM numbers and seeds apart. */
  readonly index: number;
}
