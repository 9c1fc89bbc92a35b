import { constants } from 'node:fs';
import { access, readdir, writeFile } from 'node:fs/promises';
import { availableParallelism, freemem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatDuration, parseDuration } from '../core/duration.ts';
import { isEnumguardError } from '../core/errors.ts';
import { loadPolicy } from '../policy/index.ts';
import { htmlReport } from '../sim/html-report.ts';
import { httpTransport } from '../sim/http-transport.ts';
import type { FailedRun } from '../sim/parallel-runs.ts';
import { containment, scorecardTable, type PolicyRun } from '../sim/report.ts';
import { loadScenario, type Scenario } from '../sim/scenario.ts';
import type { CliIo } from './io.ts';
import { openShipped } from './shipped.ts';
import { columnName, progressFor, runInProcess, runLive, type Target } from './simulate-runs.ts';

/** Real time an --http run takes when no --duration is given, and the most it may take. */
const HTTP_DEFAULT_MS = 60_000;
const HTTP_MAX_MS = 3_600_000;

const HELP = `Usage: enumguard simulate --scenario s.yaml --policy p.yaml [--policy q.yaml ...] [options]
       enumguard simulate --scenario s.yaml --compare baselines/ [options]
       enumguard simulate --scenario s.yaml --http http://127.0.0.1:8080 [--duration 60s] [options]

Runs the scenario on virtual time through the real pipeline and the reference service, once
per policy, and prints the scorecards side by side (one policy, or several to compare).

With --http it drives the same agents over real HTTP, in real time, against a gateway (or the
reference service) already running on this machine; that gateway enforces its own policy.

Options:
  --scenario FILE   the scenario (see scenarios/)
  --policy FILE     a policy to score; repeat it to compare (see baselines/)
  --compare DIR     score every policy (*.yaml) in DIR side by side, in name order
  --http URL        drive a running gateway on loopback instead (no --policy)
  --duration D      run this long instead of the scenario's duration ("90s", "2h", "7d");
                    with --http it is wall time: default ${formatDuration(HTTP_DEFAULT_MS)}, at most ${formatDuration(HTTP_MAX_MS)}
  --json FILE       also write the scorecards (with their time series) as JSON
  --html FILE       also write a self-contained HTML report with charts
  --jobs N          policies run at once, each on its own thread (default: one per core)
  --quiet           no progress on stderr

Ctrl-C ends the current run early, skips the rest and still writes the report.`;

export interface SimulateDeps {
  /** Polled between events, like Ctrl-C: true ends the current run early (tests inject it). */
  readonly shouldStop?: () => boolean;
}

export async function runSimulate(args: string[], io: CliIo, deps: SimulateDeps = {}): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        scenario: { type: 'string' },
        policy: { type: 'string', multiple: true },
        compare: { type: 'string' },
        http: { type: 'string' },
        duration: { type: 'string' },
        json: { type: 'string' },
        html: { type: 'string' },
        jobs: { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    return usage(io, (err as Error).message);
  }
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  // The README's "scenarios/…", "baselines" and "policies/…" reach the package's copies from
  // a project that installed enumguard (shipped.ts); a user's own files win.
  const shipped = (path: string): string => openShipped(path, (line) => io.stderr(`  ${line}`));
  const scenarioPath = values.scenario === undefined ? undefined : shipped(values.scenario);
  const policies = (values.policy ?? []).map(shipped);
  if (values.compare !== undefined) {
    const found = await policyFiles(shipped(values.compare));
    if (typeof found === 'string') return usage(io, found);
    policies.push(...found);
  }
  if (values.http !== undefined && policies.length > 0)
    return usage(
      io,
      '--http drives a running gateway, which enforces its own policy: give --http or --policy/--compare, not both',
    );
  if (!scenarioPath || (values.http === undefined && policies.length === 0))
    return usage(io, '--scenario and at least one --policy (or --http URL) are required');

  let durationOverride: number | undefined;
  if (values.duration !== undefined) {
    const parsed = parseDuration(values.duration);
    if (!parsed.ok) return usage(io, `--duration: ${parsed.error}`);
    durationOverride = parsed.value;
  }
  const names = policies.map(columnName);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined)
    return usage(io, `two policies are named "${twice}" (a column takes the file's name): rename one`);
  let jobs: number | undefined;
  if (values.jobs !== undefined) {
    jobs = Number(values.jobs);
    if (!Number.isInteger(jobs) || jobs < 1)
      return usage(io, `--jobs: expected a whole number of at least 1, got ${values.jobs}`);
  }
  // Checked before a run that may take minutes, not after it.
  for (const out of [values.json, values.html]) {
    const problem = out === undefined ? undefined : await unwritable(out);
    if (problem) return usage(io, problem);
  }
  const scenario = await loadScenario(scenarioPath);
  let durationMs = durationOverride ?? scenario.duration;
  const interrupt = new AbortController();
  const onSigint = (): void => {
    // A second Ctrl-C quits at once, as a user pressing it again expects.
    if (interrupt.signal.aborted) process.exit(130);
    interrupt.abort();
    io.stderr('  stopping after the runs under way report (Ctrl-C again to quit at once)');
  };
  const shouldStop = (): boolean => interrupt.signal.aborted || (deps.shouldStop?.() ?? false);
  let runs: PolicyRun[];
  let failures: FailedRun[] = [];
  if (values.http !== undefined) {
    // Real time: bounded, so a forgotten run never hammers a service for the scenario's 30 days.
    durationMs = durationOverride ?? HTTP_DEFAULT_MS;
    if (durationMs > HTTP_MAX_MS)
      return usage(
        io,
        `--duration ${values.duration}: with --http a run takes that long in real time; at most ${formatDuration(HTTP_MAX_MS)}`,
      );
    let target: Target;
    try {
      target = { name: values.http, transport: httpTransport(values.http) };
    } catch (err) {
      if (!isEnumguardError(err)) throw err;
      return usage(io, err.message);
    }
    io.stderr(populationHint(scenario, values.http));
    process.on('SIGINT', onSigint);
    try {
      runs = [await runLive(target, scenario, durationMs, shouldStop, progressFor(io, values.quiet))];
    } finally {
      process.off('SIGINT', onSigint);
    }
  } else {
    // Every policy is loaded here first, so a broken one fails before any run starts.
    await Promise.all(policies.map((p) => loadPolicy(p)));
    process.on('SIGINT', onSigint);
    try {
      ({ runs, failures } = await runInProcess({
        scenarioPath,
        policies,
        durationMs,
        jobs: jobs ?? defaultJobs(policies.length, scenario.population.accounts),
        signal: interrupt.signal,
        ...(deps.shouldStop ? { shouldStop: deps.shouldStop } : {}),
        io,
        quiet: values.quiet === true,
      }));
    } finally {
      process.off('SIGINT', onSigint);
    }
  }

  const target = values.http === undefined ? undefined : `over HTTP against ${values.http}`;
  io.stdout(`scenario ${scenario.name} (seed ${scenario.seed})${target ? ` ${target}` : ''}\n`);
  io.stdout(scorecardTable(runs));
  let failed = failures.length > 0;
  for (const f of failures) io.stderr(`  ${f.error.message}`);
  // Each file on its own: one that cannot be written does not cost the other.
  const save = async (path: string, text: string): Promise<void> => {
    try {
      await writeFile(path, text);
    } catch (err) {
      failed = true;
      io.stderr(`  cannot write ${path}: ${(err as Error).message}`);
    }
  };
  if (values.json) {
    const report = {
      scenario: scenario.name,
      seed: scenario.seed,
      durationMs,
      ...(target ? { target } : {}),
      // Whether each policy contained the attack is judged against none's harvest in this compare.
      runs: runs.map((r) => ({ ...r, contained: containment(r, runs) })),
      ...(failures.length > 0
        ? { failed: failures.map((f) => ({ policy: f.name, error: f.error.message })) }
        : {}),
    };
    await save(values.json, `${JSON.stringify(report, null, 2)}\n`);
  }
  if (values.html) {
    const html = htmlReport({
      scenario: scenario.name,
      seed: scenario.seed,
      target: target ?? 'in process, on virtual time',
      runs,
    });
    await save(values.html, html);
    io.stderr(`  HTML report: ${values.html}`);
  }
  return failed ? 1 : 0;
}

/**
 * Runs at once by default: one per core, as memory allows. A run holds its population and
 * agents (about 2.5 KB per account: whatsapp-2024's million accounts took 2.4 GB) plus the
 * worker's young generation and headroom.
 */
function defaultJobs(policies: number, accounts: number): number {
  const perRun = 512 * 2 ** 20 + accounts * 2500;
  return Math.max(1, Math.min(policies, availableParallelism(), Math.floor(freemem() / perRun)));
}

/** Why a report cannot be written to `path`, or undefined when its folder takes files. */
async function unwritable(path: string): Promise<string | undefined> {
  const dir = dirname(resolve(path));
  try {
    await access(dir, constants.W_OK);
    return undefined;
  } catch (err) {
    return `cannot write ${path}: its folder ${dir} ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'is not writable'}`;
  }
}

/**
 * The agents pick their numbers from the scenario's seeded population; the service behind the
 * URL must hold the same one or the attackers harvest nothing and legit contacts never match.
 */
function populationHint(scenario: Scenario, url: string): string {
  return (
    `  --http ${url}: the agents use the population of seed ${scenario.seed} with ` +
    `${scenario.population.accounts} accounts. Serve the same one behind the gateway:\n` +
    `    enumguard demo-service --seed ${scenario.seed} --accounts ${scenario.population.accounts} --max-batch ${scenario.batchSize}\n` +
    `  and let the gateway trust loopback as its proxy (server.trustedProxies: [127.0.0.1/32, ::1/128],` +
    ` forwardedHeader: x-forwarded-for) so each agent is keyed by its own address.`
  );
}

/** The policy files of a --compare directory, in name order, or what is wrong with it. */
async function policyFiles(dir: string): Promise<string[] | string> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    return `--compare ${dir}: cannot read the directory: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  }
  const files = names.filter((n) => /\.ya?ml$/i.test(n)).sort();
  if (files.length === 0) return `--compare ${dir}: no policy files (*.yaml) there`;
  return files.map((n) => join(dir, n));
}

function usage(io: CliIo, message: string): number {
  io.stderr(`enumguard simulate: ${message}\n\n${HELP}`);
  return 2;
}
