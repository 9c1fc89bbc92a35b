import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpTransport } from './http-transport.ts';

describe('httpTransport', () => {
  it('drives only services on this machine', () => {
    for (const url of ['http://10.0.0.1:8080', 'http://example.com', 'https://127.0.0.1:8443', 'not a url']) {
      assert.throws(
        () => httpTransport(url),
        /ERR_CONFIG|only drives services on this machine|needs a URL/,
        url,
      );
    }
    assert.doesNotThrow(() => httpTransport('http://127.0.0.1:8080'));
    assert.doesNotThrow(() => httpTransport('http://localhost:8080'));
    assert.doesNotThrow(() => httpTransport('http://[::1]:8080'));
  });

  it('answers 599 instead of throwing when nothing listens', async () => {
    const send = httpTransport('http://127.0.0.1:9', { timeoutMs: 2000 });
    const res = await send({ method: 'GET', path: '/healthz', clientIp: '192.0.2.1' });
    assert.equal(res.status, 599);
  });

  it('answers 599 when the body never finishes, instead of failing the run', async () => {
    // Headers at once, then a body that stalls past the transport's timeout.
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"contacts": [');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const send = httpTransport(`http://127.0.0.1:${port}`, { timeoutMs: 300 });
      const res = await send({ method: 'GET', path: '/healthz', clientIp: '192.0.2.1' });
      assert.equal(res.status, 599);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
