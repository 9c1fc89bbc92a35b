import type { DelaySplit } from './scorecard-contact-delay.ts';
import type { HarvestRoute, RouteHarvest } from './scorecard-harvest.ts';
import type { Series } from './series.ts';

/** A run's score: what attackers took and what it cost them, and whom the policy hurt. */
export interface Scorecard {
  readonly attacker: {
    /** Distinct registered accounts revealed to attackers, on any route. */
    readonly accountsRevealed: number;
    /** Of those, accounts whose photo (photo route 200, or a photo in a lookup answer) or "about" leaked. */
    readonly withPhoto: number;
    readonly withAbout: number;
    /** Which route leaked what: discover, delta, photo, profile. */
    readonly byRoute: Readonly<Record<HarvestRoute, RouteHarvest>>;
    /** accountsRevealed over the population's accounts. */
    readonly populationShare: number;
    /** Accounts revealed per day of attacker activity (first to last request of each attacker, at least a minute). */
    readonly harvestPerAttackerDay: number;
    /** Distinct numbers the attackers registered accounts with (successfully or not): their SIM cards. */
    readonly attackerAccounts: number;
    /** accountsRevealed per attacker account: the attacker's cost; null when none registered. */
    readonly revealedPerAttackerAccount: number | null;
    readonly numbersLookedUp: number;
    /** Distinct candidate numbers looked up, and their share of the candidate space (null: unknown). */
    readonly distinctNumbersLookedUp: number | null;
    readonly candidateSpaceShare: number | null;
    /**
     * The world capped the harvest: the attackers took more than half the population's
     * accounts, or looked up more than half the candidate space. Ratios against such a run
     * are lower bounds.
     */
    readonly saturated: boolean;
    readonly saturatedBy: readonly ('harvest' | 'lookups')[];
    /** Virtual ms from the attack's first request until an attacker first got a refusal, or null if never. */
    readonly firstResponseMs: number | null;
    /**
     * Virtual ms from the attack's first request until attackers had 99% of their final
     * harvest (refused by then), or null. Timing only: whether a policy contained the attack
     * is judged against `none` in a compare (report.ts).
     */
    readonly containedMs: number | null;
  };
  readonly legit: {
    readonly users: number;
    /** Share of users refused at least once, on any request (registration too). */
    readonly usersDenied: number;
    /** Refusals of legit users' requests by "<path> <status> <problem code>": whom the policy hurt, and how. */
    readonly refusals: Readonly<Record<string, number>>;
    /** The same refusals by the defense that caused them (limit, egress quota, risk layer and detector). */
    readonly refusalsByCause: Readonly<Record<string, number>>;
    /** Distinct legit users refused at least once, by cause. */
    readonly usersRefusedByCause: Readonly<Record<string, number>>;
    readonly syncRequests: number;
    /** Share of discover requests of legit users that were refused. */
    readonly syncRequestsDenied: number;
    readonly syncsStarted: number;
    readonly syncsAbandoned: number;
    /** Delay from a sync's start to its last answer, virtual ms. */
    readonly delayP50Ms: number | null;
    readonly delayP95Ms: number | null;
    readonly delayP99Ms: number | null;
    /**
     * Per registered contact of a full lookup (discover route), its first reveal after the
     * sync's start: contacts who hold the user's number, and the others. Tracked for a sample
     * of users in big worlds (contactDelaySampled).
     */
    readonly contactDelay: { readonly mutual: DelaySplit; readonly other: DelaySplit };
    readonly contactDelayUsers: number;
  };
  /** What the detectors found, when the policy scores risk (in process only). */
  readonly detection: {
    /** Attacker identities (accounts) that made a request, and how many a detector refused (challenge or block). */
    readonly attackerIdentities: number;
    readonly attackerIdentitiesRefused: number;
    /** Virtual ms from the attack's first request to the first attacker identity a detector refused, or null. */
    readonly firstAttributionMs: number | null;
    /** Virtual ms from the attack's first request until 90% of attacker identities were refused by a detector, or null. */
    readonly attribution90Ms: number | null;
    /**
     * Per attacker account (risk identity), the time from its first lookup to its first
     * refusal (by a detector, or at admission by its network's or cohort's score): the 90th
     * percentile and the worst, over accounts that looked anything up; and the accounts never
     * refused. A distributed scan is contained when every account is refused quickly.
     */
    readonly accountRefusalP90Ms: number | null;
    readonly accountRefusalMaxMs: number | null;
    readonly accountsNeverRefused: number;
    /** Legit users any enforced signal scored, and legit users a detector refused. */
    readonly legitScored: number;
    readonly legitRefusedByDetector: number;
    /** Findings by detector, enforced and shadow. */
    readonly findings: Readonly<Record<string, number>>;
    /** The first findings against legit users (at most 20): the false positives, explained. */
    readonly legitFindings: readonly {
      readonly agent: string;
      readonly detector: string;
      readonly detail: string;
    }[];
  };
  readonly cost: {
    readonly requests: number;
    readonly numbersLookedUp: number;
    readonly virtualMs: number;
    readonly wallMs: number;
    /** Looked-up numbers per wall-clock second: the simulator's throughput. */
    readonly numbersPerSecond: number;
  };
  /** Cumulative counts sampled over virtual time, for the report's charts. */
  readonly series: Series;
}

/** A detector's finding as the scorecard keeps it (see RiskEvent in src/pipeline/risk-gate.ts). */
export interface Finding {
  readonly identityKey: string | undefined;
  readonly at: number;
  readonly detector: string;
  readonly shadow: boolean;
  /** The enforced level after the signal. */
  readonly level: string;
  /** What the detector saw, for the report's false positives. */
  readonly detail: string;
}
