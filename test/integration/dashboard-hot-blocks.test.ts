import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatE164 } from '../../src/reference/e164.ts';
import { chromiumSkipMessage, launchChromium } from '../helpers/chromium.ts';
import { DASHBOARD_WAIT_MS as WAIT_MS, logIn, watchedPage } from '../helpers/dashboard-page.ts';
import { ADMIN_TOKEN, register, startAdminGateway, type AdminGateway } from '../helpers/admin-gateway.ts';
import { waitUntil } from '../helpers/wait-for.ts';

/**
 * Issue 14: "which number blocks are being swept", with data. A sequential scanner (as
 * scenarios/sequential.yaml's attacker: consecutive candidate numbers, ascending) sweeps 1,000
 * numbers of one 10,000-number block through the real gateway under
 * policies/enumguard-default.yaml. Its rangeDensity detector (blockDigits 4, hotShare 0.05: 500
 * distinct numbers in a minute) finds the block hot; the admin API's hot blocks list it by its
 * prefix, and the dashboard's table shows it.
 */
interface HotBlock {
  readonly block: string;
  readonly findings: number;
  readonly callers: number;
  readonly lastAt: number;
}
const browser = await launchChromium();

/** The sweep's first candidate index: the reference population's candidates come in runs of whole blocks. */
const FROM = 20_000;
const SWEEP = 1000;

async function sweep(g: AdminGateway, account: number): Promise<{ status: number; block: string }> {
  const token = await register(g, account);
  const numbers = Array.from({ length: SWEEP }, (_, i) => g.population.candidateAt(FROM + i));
  const first = numbers[0] as number;
  // The sweep stays inside one block of 10^4 numbers, so exactly that block turns hot.
  assert.equal(first % 10_000, 0);
  assert.equal((numbers.at(-1) as number) - first, SWEEP - 1);
  const res = await fetch(`${g.base}/v1/contacts/discover`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ numbers: numbers.map(formatE164) }),
  });
  await res.arrayBuffer();
  return { status: res.status, block: `+${String(first).slice(0, -4)}xxxx` };
}

async function hotBlocks(g: AdminGateway, query = ''): Promise<HotBlock[]> {
  const res = await g.call(`/admin/v1/hot-blocks${query}`);
  assert.equal(res.status, 200);
  return ((await res.json()) as { blocks: HotBlock[] }).blocks;
}

describe('hot number blocks from a sequential sweep', () => {
  let g: AdminGateway;
  before(async () => {
    g = await startAdminGateway();
  });
  after(async () => {
    await g?.close();
  });

  it('lists the swept block by its prefix, with the finding structured and no whole number', async () => {
    const before = Date.now();
    const { status, block } = await sweep(g, 501);
    // The sweep's hit ratio (a few percent) also blocks the scanner: its answer is withheld.
    assert.equal(status, 403);

    const listed = await waitUntil('the swept block in /admin/v1/hot-blocks', async () =>
      (await hotBlocks(g)).find((b) => b.block === block),
    );
    assert.equal(listed.findings, 1);
    assert.equal(listed.callers, 1);
    assert.ok(listed.lastAt >= before - 1000, 'lastAt is the finding’s time');

    const res = await g.call('/admin/v1/findings');
    const { findings } = (await res.json()) as {
      findings: { detector: string; block?: string; detail: string }[];
    };
    const density = findings.filter((f) => f.detector === 'range-density');
    assert.equal(density.length, 1);
    assert.equal(density[0]?.block, block);
    assert.match(density[0]?.detail ?? '', /^block-hot: block \+\d+xxxx had 1000 distinct numbers/);
    // Only the hot block carries one; the hit-ratio finding names no block.
    assert.ok(findings.some((f) => f.detector === 'hit-ratio' && f.block === undefined));
    // The block is a prefix: no finding's text holds a whole swept number.
    const swept = String(g.population.candidateAt(FROM + 7));
    assert.ok(!JSON.stringify(findings).includes(swept));

    assert.equal((await g.call('/admin/v1/hot-blocks?limit=0')).status, 400);
    assert.deepEqual(await hotBlocks(g, '?limit=1'), [listed]);
  });
});

describe(
  'hot number blocks on the dashboard in Chromium',
  { skip: browser ? false : chromiumSkipMessage() },
  () => {
    let g: AdminGateway;
    before(async () => {
      g = await startAdminGateway();
    });
    after(async () => {
      await browser?.close();
      await g?.close();
    });

    it('shows the block a sequential scanner swept in the hot blocks table', async () => {
      const { context, page, problems } = await watchedPage(browser!);
      await logIn(page, g.admin, ADMIN_TOKEN);

      const { block } = await sweep(g, 502);
      // The stream shows the finding; the next poll (or the block it earned) fills the table.
      await page
        .locator('#findings li', { hasText: `range-density on discover` })
        .filter({ hasText: block })
        .waitFor({ timeout: WAIT_MS });
      const row = page.locator('#hot-blocks tbody tr', { hasText: block });
      await row.waitFor({ timeout: WAIT_MS });
      assert.deepEqual((await row.locator('td').allTextContents()).slice(0, 3), [block, '1', '1']);
      assert.deepEqual(problems, [], 'no script error and no CSP violation on the page');
      await context.close();
    });
  },
);
