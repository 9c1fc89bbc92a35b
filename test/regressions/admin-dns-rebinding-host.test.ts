import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { manualClock } from '../../src/core/clock.ts';
import { ADMIN_TOKEN, startAdminGateway, type AdminGateway } from '../helpers/admin-gateway.ts';

/**
 * Regression (DNS rebinding): the admin listener never looked at the Host header. A page at
 * http://rebind.example:9465/ whose name is re-pointed at 127.0.0.1 talks to the loopback
 * listener as its own origin (its Origin equals its Host), so it passed the login form's
 * same-origin check and could post 20 wrong tokens a minute: the global failed-login brake then
 * locked the operator out. The listener now answers 421 Misdirected Request (RFC 9110 §15.5.20)
 * to a Host that is not its own address, localhost at its port, or a name in server.admin.hosts.
 */
interface Answer {
  readonly status: number;
  readonly location: string | undefined;
  readonly type: string | undefined;
  readonly body: string;
}

function call(port: number, host: string | undefined, method: string, path: string, form?: string) {
  return new Promise<Answer>((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (host !== undefined) headers.host = host;
    if (form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      // What the rebinding page's own form post carries: an Origin equal to its Host.
      headers.origin = `http://${host}`;
    } else headers.authorization = `Bearer ${ADMIN_TOKEN}`;
    const req = request(
      { host: '127.0.0.1', port, method, path, headers, setHost: host === undefined },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            location: res.headers.location,
            type: res.headers['content-type'],
            body,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(form);
  });
}

let g: AdminGateway;
let port: number;
before(async () => {
  g = await startAdminGateway(
    'server:\n  admin: { listen: "127.0.0.1:0", hosts: ["Admin.Example.Internal"] }\n',
    {
      clock: manualClock(1_000),
    },
  );
  port = Number(new URL(g.admin).port);
});
after(() => g?.close());

describe('regression: DNS rebinding to the admin listener', () => {
  it('answers 421 to a foreign Host, and so a rebinding page cannot lock the operator out', async () => {
    const rebound = `rebind.example:${port}`;
    for (let i = 0; i < 25; i++) {
      const a = await call(port, rebound, 'POST', '/admin/login', 'token=guess');
      assert.equal(a.status, 421, `post ${i + 1}: ${a.body}`);
      assert.equal(a.type, 'application/problem+json');
    }
    const operator = await call(port, `127.0.0.1:${port}`, 'POST', '/admin/login', `token=${ADMIN_TOKEN}`);
    assert.deepEqual([operator.status, operator.location], [303, '/admin/']);
  });

  it('answers 421 on every path to a foreign Host, the API and the page included', async () => {
    for (const path of ['/admin/v1/status', '/admin/', '/admin/login', '/admin/assets/app.js']) {
      assert.equal((await call(port, `rebind.example:${port}`, 'GET', path)).status, 421, path);
    }
    // The right name at another port is another origin too.
    assert.equal((await call(port, `127.0.0.1:${port + 1}`, 'GET', '/admin/v1/status')).status, 421);
    assert.equal((await call(port, 'localhost', 'GET', '/admin/v1/status')).status, 421);
  });

  it("serves its own address, localhost at its port, and server.admin.hosts' names", async () => {
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `LOCALHOST:${port}`,
      'admin.example.internal',
    ]) {
      assert.equal((await call(port, host, 'GET', '/admin/v1/status')).status, 200, host);
    }
  });
});
