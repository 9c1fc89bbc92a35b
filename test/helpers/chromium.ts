import { chromium, type Browser } from 'playwright-core';
import { ensureAptPackage } from './apt-install.ts';

/**
 * Real Chromium for browser tests: Debian's package, driven by playwright-core. Playwright's
 * own browser download cannot work here (only npm and Debian's registry are reachable), so the
 * system browser is used through `executablePath`.
 *
 * Use:
 *   const browser = await launchChromium();
 *   describe('dashboard', { skip: browser ? false : chromiumSkipMessage() }, () => { ... });
 *   after(() => browser?.close());
 *
 * In CI (CI=true) a browser that cannot be had throws, so the test fails instead of passing by
 * skipping; elsewhere it resolves undefined and chromiumSkipMessage() says why.
 */

/** Where Debian's `chromium` package puts the browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Launching a cold browser on a loaded 2-core machine: seconds; the bound only catches a hang. */
const LAUNCH_TIMEOUT_MS = 60_000;

let skipMessage = '';

/** Why the last launchChromium() gave no browser (empty when it gave one). */
export function chromiumSkipMessage(): string {
  return skipMessage;
}

/**
 * A headless Chromium, installed with apt-get first if missing (once per process). The caller
 * closes it. `--no-sandbox`: tests run as root, and Chromium refuses its sandbox to root.
 */
export async function launchChromium(): Promise<Browser | undefined> {
  const installed = await ensureAptPackage('chromium', CHROMIUM_PATH);
  let problem: string;
  if (installed.ok) {
    try {
      skipMessage = '';
      return await chromium.launch({
        executablePath: CHROMIUM_PATH,
        args: ['--no-sandbox'],
        headless: true,
        timeout: LAUNCH_TIMEOUT_MS,
      });
    } catch (err) {
      problem = `${CHROMIUM_PATH} did not start: ${err instanceof Error ? err.message : String(err)}`;
    }
  } else {
    problem = installed.reason;
  }
  skipMessage = `no Chromium: ${problem}`;
  if (process.env['CI'] === 'true') throw new Error(`a browser test needs Chromium in CI: ${problem}`);
  return undefined;
}
