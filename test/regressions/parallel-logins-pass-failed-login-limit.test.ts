import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../../src/core/clock.ts';
import { connect, type Socket } from 'node:net';
import { ADMIN_TOKEN, startAdminGateway, type AdminGateway } from '../helpers/admin-gateway.ts';

/**
 * Regression: the login form's brake (20 failed logins a minute, then 429) was checked before
 * the body was read and counted only after, so logins posted in parallel all passed the check
 * while their bodies were on the way: 40 wrong guesses sent at once were 40 guesses, not 20.
 * An attempt now counts before its body is read (and is given back when the token is right).
 *
 * The order is made by conditions: every post's headers are in the server's socket before any
 * body is sent, and a probe request on a later connection has been answered (so the server has
 * read the earlier headers), then the bodies go.
 */
const POSTS = 40;
const LIMIT = 20;

let g: AdminGateway;
before(async () => {
  // A manual clock: the brake counts per minute, and a test must not straddle two.
  g = await startAdminGateway(undefined, { clock: manualClock(1_000) });
});
after(() => g.close());

function body(token: string): string {
  return `token=${encodeURIComponent(token)}`;
}

/** A login post whose headers are sent now and whose body is sent by `send()`; `status` is its answer. */
async function heldLogin(port: number, token: string) {
  const socket: Socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  let text = '';
  const status = new Promise<number>((resolve, reject) => {
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3}) /.exec(text);
      if (m !== null) {
        resolve(Number(m[1]));
        socket.destroy();
      }
    });
    socket.on('error', reject);
  });
  const form = body(token);
  await new Promise<void>((resolve, reject) =>
    socket.write(
      `POST /admin/login HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
        `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${form.length}\r\n\r\n`,
      (err) => (err ? reject(err) : resolve()),
    ),
  );
  return { status, send: () => socket.write(form) };
}

describe('regression: the failed-login limit under parallel posts', () => {
  it(`lets at most ${LIMIT} wrong tokens be tried a minute, however many are posted at once`, async () => {
    const port = Number(new URL(g.admin).port);
    const posts = [];
    for (let i = 0; i < POSTS; i++) posts.push(await heldLogin(port, `wrong-guess-${i}-0123456789`));
    const probe = await fetch(`${g.admin}/admin/login`);
    assert.equal(probe.status, 200);
    await probe.arrayBuffer();
    for (const p of posts) p.send();
    const statuses = await Promise.all(posts.map((p) => p.status));
    const tried = statuses.filter((s) => s === 303).length;
    assert.ok(tried <= LIMIT, `${tried} of ${POSTS} parallel wrong tokens were tried (limit ${LIMIT})`);
    assert.equal(statuses.filter((s) => s === 429).length, POSTS - tried);
    // The brake holds for the rest of the minute, the right token included.
    const res = await fetch(`${g.admin}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body(ADMIN_TOKEN),
      redirect: 'manual',
    });
    assert.equal(res.status, 429);
  });

  it('gives a right token its attempt back: logging in many times never trips the brake', async () => {
    const fresh = await startAdminGateway(undefined, { clock: manualClock(1_000) });
    try {
      for (let i = 0; i < LIMIT + 5; i++) {
        const res = await fetch(`${fresh.admin}/admin/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: body(ADMIN_TOKEN),
          redirect: 'manual',
        });
        assert.equal(res.status, 303, `login ${i + 1}`);
        assert.equal(res.headers.get('location'), '/admin/');
        await res.arrayBuffer();
      }
    } finally {
      await fresh.close();
    }
  });
});
