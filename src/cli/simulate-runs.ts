import { basename } from 'node:path';
import type { PolicyRun } from '../sim/report.ts';
import { runPolicies, type FailedRun, type FinishedRun } from '../sim/parallel-runs.ts';
import { createProgress, type ProgressDisplay, type ProgressState } from '../sim/progress.ts';
import type { Transport } from '../sim/runner.ts';
import { worldOptions, type Scenario } from '../sim/scenario.ts';
import { runWorld } from '../sim/world.ts';
import type { CliIo } from './io.ts';

/**
 * The two ways `enumguard simulate` runs a scenario: in process on virtual time, one worker
 * thread per policy, or in real time against a live gateway. simulate.ts parses the command
 * line and writes the reports; this file runs.
 */
/** A live gateway the agents drive over HTTP. */
export interface Target {
  readonly name: string;
  readonly transport: Transport;
}

/** The agents against a live gateway, in real time on this thread. */
export async function runLive(
  target: Target,
  scenario: Scenario,
  durationMs: number,
  shouldStop: () => boolean,
  progress: ProgressDisplay | undefined,
): Promise<PolicyRun> {
  const started = performance.now();
  const state = (virtualMs: number, requests: number, revealed: number): ProgressState => ({
    policy: target.name,
    virtualMs,
    durationMs,
    requests,
    revealed,
    wallMs: performance.now() - started,
  });
  const world = await runWorld({
    ...worldOptions(scenario),
    durationMs,
    // The answer's real round trip is its latency; the gateway's limits run on its own clock.
    transport: target.transport,
    realTime: true,
    latencyMs: 0,
    progressEvery: 20,
    shouldStop,
    ...(progress ? { onProgress: (p) => progress.update(state(p.virtualMs, p.requests, p.revealed)) } : {}),
  });
  const { run, scorecard } = world;
  progress?.done(state(run.virtualMs, run.requests, scorecard.attacker.accountsRevealed));
  return { policy: target.name, scorecard, stoppedEarly: run.stoppedEarly };
}

export interface InProcessRuns {
  readonly scenarioPath: string;
  readonly policies: readonly string[];
  readonly durationMs: number;
  readonly jobs: number;
  readonly signal: AbortSignal;
  readonly shouldStop?: () => boolean;
  readonly io: CliIo;
  readonly quiet: boolean;
}

/** The scenario under each policy, in process on virtual time, `jobs` policies at once. */
export async function runInProcess(o: InProcessRuns): Promise<{ runs: PolicyRun[]; failures: FailedRun[] }> {
  const progress = progressFor(o.io, o.quiet);
  const active = new Map<string, { started: number; state: ProgressState }>();
  const stateOf = (name: string, virtualMs: number, requests: number, revealed: number): ProgressState => ({
    policy: name,
    virtualMs,
    durationMs: o.durationMs,
    requests,
    revealed,
    wallMs: performance.now() - (active.get(name)?.started ?? performance.now()),
  });
  const named = o.policies.map((path) => ({ name: columnName(path), path }));
  const outcome = await runPolicies({
    scenarioPath: o.scenarioPath,
    policies: named,
    durationMs: o.durationMs,
    jobs: o.jobs,
    signal: o.signal,
    ...(o.shouldStop ? { shouldStop: o.shouldStop } : {}),
    onStart: (name) => active.set(name, { started: performance.now(), state: stateOf(name, 0, 0, 0) }),
    onProgress: (name, p) => {
      const entry = active.get(name);
      if (!entry) return;
      entry.state = stateOf(name, p.virtualMs, p.requests, p.revealed);
      progress?.update([...active.values()].map((a) => a.state));
    },
    onDone: (run: FinishedRun) => {
      progress?.done(stateOf(run.name, run.virtualMs, run.requests, run.scorecard.attacker.accountsRevealed));
      active.delete(run.name);
    },
  });
  const ran = new Set([...outcome.runs, ...outcome.failures].map((r) => r.name));
  const skipped = named.filter((p) => !ran.has(p.name)).map((p) => p.name);
  if (skipped.length > 0) o.io.stderr(`  not run, stopped early: ${skipped.join(', ')}`);
  return {
    runs: outcome.runs.map((r) => ({ policy: r.name, scorecard: r.scorecard, stoppedEarly: r.stoppedEarly })),
    failures: outcome.failures,
  };
}

/** A policy's column: its file name without .yaml or .yml. */
export function columnName(path: string): string {
  return basename(path).replace(/\.ya?ml$/i, '');
}

export function progressFor(io: CliIo, quiet: boolean | undefined): ProgressDisplay | undefined {
  if (quiet) return undefined;
  const stream = io.stderrStream;
  const tty = stream?.isTTY === true;
  return createProgress({
    tty,
    now: () => performance.now(),
    write: tty && stream ? (text) => void stream.write(text) : (text) => io.stderr(text.replace(/\n$/, '')),
  });
}
