import { basename } from 'node:path';
import { isEnumguardError } from '../core/errors.ts';
import { loadPolicy } from '../policy/load.ts';

/** Where the command writes; each call gets whole lines ending in "\n" (process.stdout.write fits). */
export interface CheckIo {
  stdout(s: string): void;
  stderr(s: string): void;
}

const USAGE =
  'usage: enumguard check <policy.yaml>\n  Validates a policy file and reports every problem with its line.\n';

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
  const path = args[0] ?? '';
  try {
    const policy = await loadPolicy(path);
    const limits = policy.routes.reduce((n, r) => n + r.limits.length, 0);
    io.stdout(
      `${basename(path)}: OK (${plural(policy.routes.length, 'route')}, ${plural(limits, 'limit')})\n`,
    );
    return 0;
  } catch (err) {
    if (isEnumguardError(err, 'ERR_POLICY_INVALID') || isEnumguardError(err, 'ERR_POLICY_READ')) {
      io.stderr(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
