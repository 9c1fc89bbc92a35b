/**
 * Prints the issue-12 goals table from `enumguard simulate --json` reports: per scenario, the
 * harvest and accounts revealed per attacker account under each policy, enumguard-default's
 * ratios against signal-cdsi, and the legit figures the goals name.
 *
 *   npx tsx bench/issue12-table.ts /tmp/adapt2/*.json
 *
 * Reports of one scenario are merged, a later file's run of a policy replacing an earlier one's
 * (a policy re-run alone beside baselines measured before).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface Run {
  readonly policy: string;
  readonly scorecard: {
    readonly attacker: {
      readonly accountsRevealed: number;
      readonly revealedPerAttackerAccount: number;
      readonly attackerAccounts: number;
      readonly saturated: boolean;
    };
    readonly legit: {
      readonly usersDenied: number;
      readonly contactDelay: {
        readonly mutual: {
          readonly p99Ms: number | null;
          readonly unrevealed: number;
          readonly contacts: number;
        };
        readonly other: {
          readonly p99Ms: number | null;
          readonly unrevealed: number;
          readonly contacts: number;
        };
      };
    };
  };
}

const int = (x: number): string => Math.round(x).toLocaleString('en-US');
const ms = (x: number | null): string =>
  x === null
    ? '-'
    : x < 1000
      ? `${x} ms`
      : x < 3_600_000
        ? `${(x / 1000).toFixed(1)} s`
        : `${(x / 3_600_000).toFixed(1)} h`;
const ratio = (a: number, b: number): string => (b === 0 ? (a === 0 ? '-' : '∞') : `${(a / b).toFixed(1)}×`);

const find = (runs: readonly Run[], name: string): Run | undefined =>
  runs.find((r) => basename(r.policy).startsWith(name));

console.log(
  '| scenario | none | signal-cdsi | incremental-cd | enumguard-default | vs signal: harvest / per account | legit refused | mutual p99 | other p99 (unrevealed) |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
const byScenario = new Map<string, Map<string, Run>>();
for (const file of process.argv.slice(2)) {
  const report = JSON.parse(readFileSync(file, 'utf8')) as { scenario: string; runs: Run[] };
  const runs = byScenario.get(report.scenario) ?? new Map<string, Run>();
  for (const run of report.runs) runs.set(basename(run.policy), run);
  byScenario.set(report.scenario, runs);
}
for (const [scenario, merged] of byScenario) {
  const report = { scenario, runs: [...merged.values()] };
  const cell = (r: Run | undefined): string => {
    if (r === undefined) return 'not run';
    const a = r.scorecard.attacker;
    return `${int(a.accountsRevealed)} (${a.revealedPerAttackerAccount.toFixed(1)}/acct${a.saturated ? ', saturated' : ''})`;
  };
  const signal = find(report.runs, 'signal-cdsi');
  const ours = find(report.runs, 'enumguard-default');
  const s = signal?.scorecard.attacker;
  const o = ours?.scorecard.attacker;
  const legit = ours?.scorecard.legit;
  const other = legit?.contactDelay.other;
  console.log(
    `| ${report.scenario} | ${cell(find(report.runs, 'none'))} | ${cell(signal)} | ${cell(find(report.runs, 'incremental-cd'))} | ${cell(ours)} | ` +
      `${s && o ? `${ratio(s.accountsRevealed, o.accountsRevealed)} / ${ratio(s.revealedPerAttackerAccount, o.revealedPerAttackerAccount)}` : '-'} | ` +
      `${legit ? `${(legit.usersDenied * 100).toFixed(3)}%` : '-'} | ${ms(legit?.contactDelay.mutual.p99Ms ?? null)} | ` +
      `${other ? `${other.p99Ms === null ? '> run' : ms(other.p99Ms)} (${((100 * other.unrevealed) / Math.max(1, other.contacts)).toFixed(3)}%)` : '-'} |`,
  );
}
