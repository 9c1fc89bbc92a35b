import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Installs a Debian package for a test that needs a tool the project does not ship (chromium
 * for browser tests, prometheus for promtool). Machines are handed out fresh, so the tests'
 * own files must install what they use (the workplace's rule); CI runs as root with Debian's
 * registry reachable, and so do developers.
 *
 * - Once per process and package: the outcome is a shared promise, so ten tests asking for
 *   chromium run one apt-get.
 * - Bounded: each apt-get call is killed after its share of the deadline, so a mirror that
 *   hangs fails the test with a message instead of hanging the suite.
 * - Parallel test files (node --test runs each in its own process) may install the same
 *   package at once: apt waits for the other's dpkg lock (DPkg::Lock::Timeout), and a failed
 *   install still counts as success when the wanted file appeared meanwhile.
 */

/** What became of an install: the file now exists, or why it does not. */
export type AptOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** apt-get update plus install of a browser-sized package on a slow mirror: minutes, not hours. */
const DEFAULT_DEADLINE_MS = 15 * 60_000;
/** How long apt waits for another process's dpkg or lists lock before giving up, in seconds. */
const LOCK_WAIT_S = 600;

const pending = new Map<string, Promise<AptOutcome>>();

export interface AptOptions {
  /**
   * Install the package's Recommends too (default true, apt's own default). False where they
   * are services a test does not want running (prometheus recommends the node exporter).
   */
  readonly recommends?: boolean;
  /** Give up after this long, update and install together (default 15 minutes). */
  readonly deadlineMs?: number;
}

/**
 * Makes `file` exist by installing Debian package `pkg` when it is missing. Resolves (never
 * rejects) with the outcome, so callers decide between failing (CI) and skipping (locally).
 */
export function ensureAptPackage(pkg: string, file: string, options: AptOptions = {}): Promise<AptOutcome> {
  if (existsSync(file)) return Promise.resolve({ ok: true });
  let outcome = pending.get(pkg);
  if (outcome === undefined) {
    outcome = install(pkg, file, options.recommends ?? true, options.deadlineMs ?? DEFAULT_DEADLINE_MS);
    pending.set(pkg, outcome);
  }
  return outcome;
}

async function install(
  pkg: string,
  file: string,
  recommends: boolean,
  deadlineMs: number,
): Promise<AptOutcome> {
  if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) {
    return { ok: false, reason: `${file} is missing and this is not a Debian machine with apt-get` };
  }
  if (process.getuid?.() !== 0) {
    return { ok: false, reason: `${file} is missing; install it as root: apt-get install -y ${pkg}` };
  }
  const giveUpAt = performance.now() + deadlineMs;
  const lock = ['-o', `DPkg::Lock::Timeout=${LOCK_WAIT_S}`];
  // The lists may be stale or absent on a fresh machine (apt-cache finds nothing before an
  // update), so update first; a failed update is not fatal when the lists already know pkg.
  const update = await run(['update', ...lock], giveUpAt);
  const extras = recommends ? [] : ['--no-install-recommends'];
  const installed = await run(['install', '-y', ...extras, ...lock, pkg], giveUpAt);
  if (existsSync(file)) return { ok: true };
  const why = installed.ok
    ? `apt-get install ${pkg} succeeded but ${file} is still missing`
    : installed.reason;
  return { ok: false, reason: update.ok ? why : `${why} (apt-get update: ${update.reason})` };
}

/** One apt-get call, killed at the deadline; stderr's tail becomes the reason of a failure. */
function run(args: readonly string[], giveUpAt: number): Promise<AptOutcome> {
  const timeout = Math.max(1, Math.floor(giveUpAt - performance.now()));
  return new Promise((resolve) => {
    const child = spawn('apt-get', args, {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout,
      killSignal: 'SIGKILL',
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      // Keep only the tail: apt's last lines say what went wrong.
      stderr = (stderr + chunk).slice(-2000);
    });
    child.on('error', (err) => resolve({ ok: false, reason: `apt-get ${args[0]}: ${err.message}` }));
    child.on('close', (code, signal) => {
      if (code === 0) resolve({ ok: true });
      else if (signal !== null)
        resolve({ ok: false, reason: `apt-get ${args[0]} stopped after ${timeout} ms (${signal})` });
      else
        resolve({
          ok: false,
          reason: `apt-get ${args[0]} exited ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`,
        });
    });
  });
}
