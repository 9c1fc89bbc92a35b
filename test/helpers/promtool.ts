import { execFile } from 'node:child_process';
import { ensureAptPackage } from './apt-install.ts';

/**
 * Prometheus's own checker for tests of rule files: `promtool check rules` parses every
 * expression with Prometheus's PromQL parser, and `promtool test rules` evaluates alerts over
 * made-up series. Debian's `prometheus` package ships it; it is installed when missing (once
 * per process, without Recommends: the node exporter is a service the tests do not want).
 *
 * Use:
 *   const promtool = await findPromtool();
 *   it('...', { skip: promtool ? false : promtoolSkipMessage() }, async () => { ... });
 *
 * In CI (CI=true) a promtool that cannot be had throws, so the test fails instead of passing
 * by skipping; elsewhere it resolves undefined and promtoolSkipMessage() says why.
 */

/** Where Debian's `prometheus` package puts promtool. */
export const PROMTOOL_PATH = '/usr/bin/promtool';

/** A check of a few rules takes well under a second; the bound only catches a hang. */
const RUN_TIMEOUT_MS = 60_000;

let skipMessage = '';

/** Why the last findPromtool() gave no promtool (empty when it gave one). */
export function promtoolSkipMessage(): string {
  return skipMessage;
}

/** The path of a promtool that runs, installing it first if missing. */
export async function findPromtool(): Promise<string | undefined> {
  const installed = await ensureAptPackage('prometheus', PROMTOOL_PATH, { recommends: false });
  let problem: string;
  if (installed.ok) {
    const version = await runPromtool(PROMTOOL_PATH, ['--version']);
    if (version.code === 0) {
      skipMessage = '';
      return PROMTOOL_PATH;
    }
    problem = `${PROMTOOL_PATH} --version exited ${version.code}: ${version.stderr.trim()}`;
  } else {
    problem = installed.reason;
  }
  skipMessage = `no promtool: ${problem}`;
  if (process.env['CI'] === 'true')
    throw new Error(`checking the Prometheus rules needs promtool in CI: ${problem}`);
  return undefined;
}

export interface PromtoolResult {
  /** The exit code; -1 when promtool did not run or was killed. */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs promtool with these arguments, bounded in time; resolves whatever the exit code. */
export function runPromtool(path: string, args: readonly string[], cwd?: string): Promise<PromtoolResult> {
  return new Promise((resolve) => {
    execFile(
      path,
      args,
      { cwd, timeout: RUN_TIMEOUT_MS, killSignal: 'SIGKILL', encoding: 'utf8' },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
        resolve({ code, stdout, stderr: err !== null && stderr === '' ? err.message : stderr });
      },
    );
  });
}
