import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { loadPolicy } from '../policy/index.ts';
import { scorecardTable, type PolicyRun } from '../sim/report.ts';
import { loadScenario, worldOptions } from '../sim/scenario.ts';
import { runWorld } from '../sim/world.ts';
import type { CliIo } from './io.ts';

const HELP = `Usage: enumguard simulate --scenario s.yaml --policy p.yaml [--policy q.yaml ...] [options]

Runs the scenario on virtual time through the real pipeline and the reference service, once
per policy, and prints the scorecards side by side (one policy, or several to compare).

Options:
  --scenario FILE   the scenario (see scenarios/)
  --policy FILE     a policy to score; repeat it to compare (see baselines/)
  --json FILE       also write the scorecards as JSON
  --quiet           no progress on stderr

Ctrl-C ends the current run early and still prints its report.`;

export async function runSimulate(args: string[], io: CliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        scenario: { type: 'string' },
        policy: { type: 'string', multiple: true },
        json: { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    io.stderr(`enumguard simulate: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (!values.scenario || !values.policy || values.policy.length === 0) {
    io.stderr(`enumguard simulate: --scenario and at least one --policy are required\n\n${HELP}`);
    return 2;
  }
  const scenario = await loadScenario(values.scenario);
  const policies = await Promise.all(
    values.policy.map(async (p) => ({ name: basename(p, '.yaml'), policy: await loadPolicy(p) })),
  );

  let stop = false;
  const onSigint = (): void => {
    stop = true;
  };
  process.on('SIGINT', onSigint);
  const runs: PolicyRun[] = [];
  try {
    for (const { name, policy } of policies) {
      if (stop) break;
      const started = performance.now();
      const world = await runWorld({
        ...worldOptions(scenario),
        policy,
        shouldStop: () => stop,
        ...(values.quiet
          ? {}
          : {
              onProgress: (p) =>
                io.stderr(
                  `  ${name}: day ${(p.virtualMs / 86_400_000).toFixed(2)} of ${(scenario.duration / 86_400_000).toFixed(0)}, ` +
                    `${p.requests.toLocaleString('en-US')} requests, ${Math.round((performance.now() - started) / 1000)} s`,
                ),
            }),
      });
      runs.push({ policy: name, scorecard: world.scorecard });
      if (world.run.stoppedEarly)
        io.stderr(`  ${name}: stopped early at virtual ${Math.round(world.run.virtualMs / 1000)} s`);
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
  io.stdout(`scenario ${scenario.name} (seed ${scenario.seed})\n`);
  io.stdout(scorecardTable(runs));
  if (values.json) {
    await writeFile(
      values.json,
      `${JSON.stringify({ scenario: scenario.name, seed: scenario.seed, runs }, null, 2)}\n`,
    );
  }
  return 0;
}
