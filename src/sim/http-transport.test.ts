import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
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
});
