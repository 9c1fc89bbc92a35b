import type { Scorecard } from './scorecard.ts';

export interface PolicyRun {
  readonly policy: string;
  readonly scorecard: Scorecard;
  /** Ended early (Ctrl-C): the scorecard covers only scorecard.cost.virtualMs. */
  readonly stoppedEarly?: boolean;
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const pct = (n: number): string => `${(n * 100).toFixed(n > 0 && n < 0.001 ? 4 : 2)}%`;
export const dur = (ms: number | null): string => {
  if (ms === null) return '-';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 7_200_000) return `${(ms / 60_000).toFixed(1)} min`;
  if (ms < 172_800_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${(ms / 86_400_000).toFixed(1)} d`;
};

const ROWS: readonly [string, (s: Scorecard) => string][] = [
  ['accounts revealed to attackers', (s) => int(s.attacker.accountsRevealed)],
  ['  with photo', (s) => int(s.attacker.withPhoto)],
  ['  with "about"', (s) => int(s.attacker.withAbout)],
  ['share of population exposed', (s) => pct(s.attacker.populationShare)],
  ['harvest per attacker-day', (s) => int(s.attacker.harvestPerAttackerDay)],
  ['numbers looked up by attackers', (s) => int(s.attacker.numbersLookedUp)],
  ['first response to attacker', (s) => dur(s.attacker.firstResponseMs)],
  ['attacker contained (99% of harvest)', (s) => dur(s.attacker.containedMs)],
  ['legit users denied at least once', (s) => pct(s.legit.usersDenied)],
  ['legit sync requests denied', (s) => pct(s.legit.syncRequestsDenied)],
  ['legit syncs abandoned', (s) => int(s.legit.syncsAbandoned)],
  ['discovery delay p50', (s) => dur(s.legit.delayP50Ms)],
  ['discovery delay p95', (s) => dur(s.legit.delayP95Ms)],
  ['discovery delay p99', (s) => dur(s.legit.delayP99Ms)],
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
  return ROWS.map(([label, get]) => ({ label, cells: runs.map((r) => get(r.scorecard)) }));
}

/** The scorecards side by side, as a Markdown table (readable in a terminal too). */
export function scorecardTable(runs: readonly PolicyRun[]): string {
  const header = `| metric | ${runs.map(columnName).join(' | ')} |`;
  const rule = `|---|${runs.map(() => '---').join('|')}|`;
  const body = scorecardRows(runs).map(({ label, cells }) => `| ${label} | ${cells.join(' | ')} |`);
  return [header, rule, ...body].join('\n');
}
