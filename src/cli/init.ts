import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { fsReason } from '../policy/fs-reason.ts';
import type { CliIo } from './io.ts';
import { STARTER_POLICY } from './starter-policy.ts';

const HELP = `Usage: enumguard init [FILE] [--force]

Writes a starter policy to FILE (default policy.yaml): one lookup route limited per client
address, a health check, and commented places for API keys and a load balancer. It passes
"enumguard check" as written; edit "upstream" and the route to fit your API.

Options:
  --force, -f   overwrite FILE if it exists`;

export async function runInit(args: string[], io: CliIo): Promise<number> {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args,
      options: { force: { type: 'boolean', short: 'f' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    }));
  } catch (err) {
    io.stderr(`enumguard init: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (positionals.length > 1) {
    io.stderr(`enumguard init: one file at a time, got ${positionals.length}\n\n${HELP}`);
    return 2;
  }
  const path = positionals[0] ?? 'policy.yaml';
  try {
    // "wx" fails if the file exists, at the moment of writing: no check-then-write race.
    await writeFile(path, STARTER_POLICY, { flag: values.force ? 'w' : 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      io.stderr(`enumguard init: ${path} already exists; pass --force to overwrite it`);
    } else {
      io.stderr(`enumguard init: cannot write ${path}: ${fsReason(err)}`);
    }
    return 1;
  }
  io.stdout(`wrote ${path}. Next:
  1. set "upstream" to your API and fit the route's path and batch pointer to it;
  2. npx enumguard check ${path}
  3. npx enumguard gateway --config ${path}`);
  return 0;
}
