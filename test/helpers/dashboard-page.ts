import type { Browser, BrowserContext, Page } from 'playwright-core';

/** Conditions, not sleeps: each wait in a dashboard test ends as soon as the page shows it; this bound catches a hang. */
export const DASHBOARD_WAIT_MS = 30_000;

/** A new page whose script errors and console errors are collected, so a test can assert the page ran clean. */
export async function watchedPage(
  browser: Browser,
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(err.message));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  return { context, page, problems };
}

/** Logs in through the login form and waits until the live stream says it is connected. */
export async function logIn(page: Page, admin: string, token: string): Promise<void> {
  await page.goto(`${admin}/admin/login`);
  await page.fill('#token', token);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/admin\/$/, { timeout: DASHBOARD_WAIT_MS });
  await page.locator('#live', { hasText: 'live' }).waitFor({ timeout: DASHBOARD_WAIT_MS });
}
