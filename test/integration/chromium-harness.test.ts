import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromiumSkipMessage, launchChromium } from '../helpers/chromium.ts';

/**
 * The browser harness itself: Chromium comes up (installed from Debian if missing), loads a
 * page from a loopback server on a free port, and sees what the page's script did, so a
 * browser test that fails later is about its page, not about the harness.
 */
const browser = await launchChromium();

describe('chromium harness', { skip: browser ? false : chromiumSkipMessage() }, () => {
  let server: Server;
  let base: string;
  let served = 0;

  before(async () => {
    server = createServer((req, res) => {
      served += 1;
      if (req.url !== '/') {
        res.writeHead(404).end();
        return;
      }
      // The title is set by script, so the check also proves JavaScript runs in the page.
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        '<!doctype html><html><head><title>loading</title></head>' +
          '<body><p id="p">harness</p><script>document.title = "enumguard harness " + (6 * 7);</script></body></html>',
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('loads a page from a loopback server and reads its title and text', async () => {
    assert.ok(browser);
    const page = await browser.newPage();
    try {
      const response = await page.goto(`${base}/`);
      assert.equal(response?.status(), 200);
      assert.equal(await page.title(), 'enumguard harness 42');
      assert.equal(await page.textContent('#p'), 'harness');
      assert.ok(served >= 1, 'the page came from this test server');
    } finally {
      await page.close();
    }
  });

  it('reports the Chromium version it drives', () => {
    assert.ok(browser);
    assert.match(browser.version(), /^\d+\.\d+\.\d+\.\d+$/);
  });
});
