import { basename } from 'node:path';
import { isEnumguardError } from '../core/errors.ts';
import { loadPolicy } from '../policy/load.ts';
import type { CliIo } from './io.ts';
import { openShipped } from './shipped.ts';

/** Where the command writes: one call per line, without its "\n", like every command. */
export type CheckIo = Pick<CliIo, 'stdout' | 'stderr'>;

const USAGE =
  'usage: enumguard check <policy.yaml>\n  Validates a policy file and reports every problem with its line.';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * `enumguard check policy.yaml`: exit 0 and "policy.yaml: OK (4 routes, 6 limits)" for a
 * valid policy; exit 1 with one located message per problem on stderr; exit 2 on bad usage.
 * Made for CI: the output is stable and the messages are the ones the gateway would print.
 */
export async function runCheck(args: readonly string[], io: CheckIo): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) {
    io.stdout(USAGE);
    return 0;
  }
  const unknown = args.find((a) => a.startsWith('-') && a !== '-');
  if (unknown !== undefined || args.length !== 1) {
    io.stderr(unknown === undefined ? USAGE : `unknown option ${unknown}\n${USAGE}`);
    return 2;
  }
  // "policies/enumguard-default.yaml" reaches the package's copy where the folder has none.
  const path = openShipped(args[0] ?? '', (line) => io.stderr(line));
  try {
    const policy = await loadPolicy(path);
    const limits = policy.routes.reduce((n, r) => n + r.limits.length, 0);
    io.stdout(`${basename(path)}: OK (${plural(policy.routes.length, 'route')}, ${plural(limits, 'limit')})`);
    return 0;
  } catch (err) {
    if (isEnumguardError(err, 'ERR_POLICY_INVALID') || isEnumguardError(err, 'ERR_POLICY_READ')) {
      io.stderr(err.message);
      return 1;
    }
    throw err;
  }
}
