import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatE164 } from '../../src/reference/e164.ts';
import { chromiumSkipMessage, launchChromium } from '../helpers/chromium.ts';
import { DASHBOARD_WAIT_MS as WAIT_MS, watchedPage } from '../helpers/dashboard-page.ts';
import { ADMIN_TOKEN, register, startAdminGateway, type AdminGateway } from '../helpers/admin-gateway.ts';

/**
 * Issue 14: the dashboard in real Chromium (Debian's, through playwright-core). It logs in with
 * the admin token, an attack runs through the gateway (a scanner's sweep of the reference
 * service), the finding shows up on the page from the live stream, and the block the attack
 * earned is lifted by clicking Lift: the scanner is then served again.
 */
const browser = await launchChromium();

describe('dashboard in Chromium', { skip: browser ? false : chromiumSkipMessage() }, () => {
  let g: AdminGateway;
  before(async () => {
    g = await startAdminGateway();
  });
  after(async () => {
    await browser?.close();
    await g?.close();
  });

  it('logs in, shows a scan’s finding live, and lifts its block by a click', async () => {
    const { context, page, problems } = await watchedPage(browser!);

    await page.goto(`${g.admin}/admin/`);
    assert.match(page.url(), /\/admin\/login$/);
    await page.fill('#token', 'not-the-token');
    await page.click('button[type=submit]');
    await page.locator('#failed').waitFor({ state: 'visible', timeout: WAIT_MS });
    await page.fill('#token', ADMIN_TOKEN);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/admin\/$/, { timeout: WAIT_MS });
    const cookies = await context.cookies();
    assert.deepEqual(
      cookies.map((c) => [c.name, c.httpOnly, c.sameSite, c.path]),
      [['enumguard_admin', true, 'Strict', '/admin']],
    );
    await page.locator('#live', { hasText: 'live' }).waitFor({ timeout: WAIT_MS });

    // The attack: a scanner sweeps 1,000 candidate numbers, most of them no one's.
    const scanner = await register(g, 401);
    const numbers = Array.from({ length: 1000 }, (_, i) =>
      formatE164(g.population.candidateAt((i * 7919) % g.population.candidateCount)),
    );
    const discover = async (list: string[]): Promise<number> => {
      const res = await fetch(`${g.base}/v1/contacts/discover`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${scanner}` },
        body: JSON.stringify({ numbers: list }),
      });
      await res.arrayBuffer();
      return res.status;
    };
    assert.equal(await discover(numbers), 403);

    const finding = page.locator('#findings li', { hasText: 'hit-ratio' });
    await finding.waitFor({ timeout: WAIT_MS });
    assert.match((await finding.first().textContent()) ?? '', /identity [0-9a-f]{12} → block/);

    const lift = page.locator('#blocks button.lift');
    await lift.waitFor({ timeout: WAIT_MS });
    const subject = await lift.first().getAttribute('data-subject');
    assert.match(subject ?? '', /^identity [0-9a-f]{12}$/);
    await lift.first().click();
    await page.locator('#message', { hasText: `lift ${subject}: done` }).waitFor({ timeout: WAIT_MS });
    await page.locator('#blocks button.lift').waitFor({ state: 'detached', timeout: WAIT_MS });
    await page.locator('#findings li', { hasText: 'block-lifted' }).waitFor({ timeout: WAIT_MS });

    assert.equal(await discover(numbers.slice(0, 3)), 200, 'the lifted scanner is served again');
    const blocks = (await (await g.call('/admin/v1/blocks')).json()) as { blocks: unknown[] };
    assert.deepEqual(blocks.blocks, []);
    assert.deepEqual(problems, [], 'no script error and no CSP violation on the page');
    await context.close();
  });
});
