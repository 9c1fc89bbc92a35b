import type { Scorecard } from './scorecard.ts';
import type { DelaySplit } from './scorecard-contact-delay.ts';
import { HARVEST_ROUTES, type HarvestRoute, type RouteHarvest } from './scorecard-harvest.ts';

export interface PolicyRun {
  readonly policy: string;
  readonly scorecard: Scorecard;
  /** Ended early (Ctrl-C): the scorecard covers only scorecard.cost.virtualMs. */
  readonly stoppedEarly?: boolean;
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const num = (n: number | null): string =>
  n === null ? '-' : n >= 100 ? int(n) : n.toLocaleString('en-US', { maximumFractionDigits: 2 });
const pct = (n: number): string => `${(n * 100).toFixed(n > 0 && n < 0.001 ? 4 : 2)}%`;
export const dur = (ms: number | null): string => {
  if (ms === null) return '-';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 7_200_000) return `${(ms / 60_000).toFixed(1)} min`;
  if (ms < 172_800_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${(ms / 86_400_000).toFixed(1)} d`;
};

/** A policy is contained when it cuts the harvest to at most this share of `none`'s in the same compare. */
export const CONTAINED_SHARE = 0.1;
/** The baseline every compare is judged against: the column of baselines/none.yaml. */
const REFERENCE_POLICY = 'none';

/**
 * Whether the run contained the attack: its harvest at most 10% of the `none` policy's in the
 * same compare. Timing alone (containedMs) never makes a policy contained: a policy that lets
 * the whole population through slowly still "reaches 99% of its harvest" at some point.
 */
export function containment(run: PolicyRun, runs: readonly PolicyRun[]): string {
  const reference = runs.find((r) => r.policy === REFERENCE_POLICY);
  if (!reference) return 'n/a (no none run)';
  if (reference === run) return 'reference';
  const base = reference.scorecard.attacker.accountsRevealed;
  const harvest = run.scorecard.attacker.accountsRevealed;
  if (base === 0) return harvest === 0 ? 'n/a (none harvested nothing)' : 'no (none harvested nothing)';
  const share = harvest / base;
  return `${share <= CONTAINED_SHARE ? 'yes' : 'no'} (${pct(share)} of none)`;
}

type Cell = (s: Scorecard, run: PolicyRun, runs: readonly PolicyRun[]) => string;
const byRoute = (s: Scorecard, pick: (r: RouteHarvest) => number, routes: readonly HarvestRoute[]): string =>
  routes.map((r) => int(pick(s.attacker.byRoute[r]))).join(' / ');
const delay = (split: DelaySplit): string =>
  split.contacts === 0
    ? '-'
    : `${split.p50Ms === null ? '> run' : dur(split.p50Ms)} / ${split.p99Ms === null ? '> run' : dur(split.p99Ms)}`;
const unrevealed = (split: DelaySplit): string =>
  split.contacts === 0 ? '-' : `${pct(split.unrevealed / split.contacts)} of ${int(split.contacts)}`;

const ROWS: readonly [string, Cell][] = [
  ['accounts revealed to attackers', (s) => int(s.attacker.accountsRevealed)],
  ['  with photo', (s) => int(s.attacker.withPhoto)],
  ['  with "about"', (s) => int(s.attacker.withAbout)],
  ['  by route: discover / delta / photo / profile', (s) => byRoute(s, (r) => r.accounts, HARVEST_ROUTES)],
  [
    '  photos by route: discover / delta / photo',
    (s) => byRoute(s, (r) => r.withPhoto, ['discover', 'delta', 'photo']),
  ],
  [
    '  "about" by route: discover / delta / profile',
    (s) => byRoute(s, (r) => r.withAbout, ['discover', 'delta', 'profile']),
  ],
  ['share of population exposed', (s) => pct(s.attacker.populationShare)],
  ['attacker accounts (numbers registered)', (s) => int(s.attacker.attackerAccounts)],
  ['accounts revealed per attacker account', (s) => num(s.attacker.revealedPerAttackerAccount)],
  ['harvest per attacker-day', (s) => int(s.attacker.harvestPerAttackerDay)],
  ['numbers looked up by attackers', (s) => int(s.attacker.numbersLookedUp)],
  [
    '  distinct, share of the candidate space',
    (s) =>
      s.attacker.distinctNumbersLookedUp === null
        ? '-'
        : `${int(s.attacker.distinctNumbersLookedUp)} (${pct(s.attacker.candidateSpaceShare ?? 0)})`,
  ],
  [
    'world saturated (ratios are lower bounds)',
    (s) => (s.attacker.saturated ? `yes: ${s.attacker.saturatedBy.join(', ')}` : 'no'),
  ],
  ['first response to attacker', (s) => dur(s.attacker.firstResponseMs)],
  ['attacker contained (harvest <= 10% of none)', (_s, run, runs) => containment(run, runs)],
  ['99% of the harvest taken by', (s) => dur(s.attacker.containedMs)],
  ['legit users denied at least once', (s) => pct(s.legit.usersDenied)],
  ['legit sync requests denied', (s) => pct(s.legit.syncRequestsDenied)],
  ['legit syncs abandoned', (s) => int(s.legit.syncsAbandoned)],
  ['discovery delay p50', (s) => dur(s.legit.delayP50Ms)],
  ['discovery delay p95', (s) => dur(s.legit.delayP95Ms)],
  ['discovery delay p99', (s) => dur(s.legit.delayP99Ms)],
  ["contacts holding the user's number: revealed p50 / p99", (s) => delay(s.legit.contactDelay.mutual)],
  ['  never revealed', (s) => unrevealed(s.legit.contactDelay.mutual)],
  ['other registered contacts: revealed p50 / p99', (s) => delay(s.legit.contactDelay.other)],
  ['  never revealed', (s) => unrevealed(s.legit.contactDelay.other)],
  ['users whose contacts were timed', (s) => int(s.legit.contactDelayUsers)],
  [
    'attacker accounts refused by detectors',
    (s) => `${int(s.detection.attackerIdentitiesRefused)} of ${int(s.detection.attackerIdentities)}`,
  ],
  ['first attacker account attributed', (s) => dur(s.detection.firstAttributionMs)],
  [
    'attacker account: first lookup to refusal, p90 / max',
    (s) => `${dur(s.detection.accountRefusalP90Ms)} / ${dur(s.detection.accountRefusalMaxMs)}`,
  ],
  ['attacker accounts never refused', (s) => int(s.detection.accountsNeverRefused)],
  [
    'legit users scored / refused by detectors',
    (s) => `${int(s.detection.legitScored)} / ${int(s.detection.legitRefusedByDetector)}`,
  ],
  ['requests simulated', (s) => int(s.cost.requests)],
  ['numbers looked up / wall s', (s) => int(s.cost.numbersPerSecond)],
  ['wall time', (s) => dur(s.cost.wallMs)],
];

/** A run's column heading: the policy, and where a run was cut short, when. */
export function columnName(run: PolicyRun): string {
  return run.stoppedEarly ? `${run.policy} (stopped at ${dur(run.scorecard.cost.virtualMs)})` : run.policy;
}

/** The table's rows, formatted: one label and one cell per run. Shared by the Markdown and HTML reports. */
export function scorecardRows(runs: readonly PolicyRun[]): { label: string; cells: string[] }[] {
  return ROWS.map(([label, get]) => ({ label, cells: runs.map((r) => get(r.scorecard, r, runs)) }));
}

/** Legit users refused by cause, one row per cause any run saw, most users first. */
export function refusalCauseRows(runs: readonly PolicyRun[]): { label: string; cells: string[] }[] {
  const total = new Map<string, number>();
  for (const r of runs)
    for (const [cause, users] of Object.entries(r.scorecard.legit.usersRefusedByCause))
      total.set(cause, (total.get(cause) ?? 0) + users);
  return [...total]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([cause]) => ({
      label: cause,
      cells: runs.map((r) => {
        const users = r.scorecard.legit.usersRefusedByCause[cause] ?? 0;
        const refusals = r.scorecard.legit.refusalsByCause[cause] ?? 0;
        return users === 0 ? '0' : `${int(users)} (${int(refusals)} refusals)`;
      }),
    }));
}

/**
 * The scorecards side by side, as a Markdown table (readable in a terminal too), then the
 * legit users refused by cause when any were.
 */
export function scorecardTable(runs: readonly PolicyRun[]): string {
  const table = (first: string, rows: { label: string; cells: string[] }[]): string[] => [
    `| ${first} | ${runs.map(columnName).join(' | ')} |`,
    `|---|${runs.map(() => '---').join('|')}|`,
    ...rows.map(({ label, cells }) => `| ${label} | ${cells.join(' | ')} |`),
  ];
  const causes = refusalCauseRows(runs);
  const out = table('metric', scorecardRows(runs));
  if (causes.length > 0) out.push('', 'legit users refused by cause:', '', ...table('cause', causes));
  return out.join('\n');
}
