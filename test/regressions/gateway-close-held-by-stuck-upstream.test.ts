import { describe, it } from 'node:test';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { compilePolicy } from '../../src/policy/index.ts';
import { lookupPolicy } from '../helpers/policies.ts';
import { startTestGateway } from '../helpers/test-gateway.ts';
import { gate, withDeadline } from '../helpers/wait-for.ts';

/**
 * Regression (found by the HTTP fuzzer, issue 13): `gateway.close(grace)` waited for the
 * upstream pool to close gracefully, so a request the upstream never finished (a streamed body
 * shorter than its content-length, which the upstream waits on for its own 5-minute request
 * timeout) held the shutdown for 5 minutes whatever the grace. The pool now gets the grace
 * too and is destroyed after it.
 */
describe('regression: a stuck upstream request does not hold the gateway shutdown', () => {
  it('closes within its grace while a forwarded body never ends', async () => {
    const arrived = gate();
    const upstream = createServer((req) => {
      // Reads the body, which never ends, and never answers.
      req.resume();
      arrived.open();
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const gw = await startTestGateway(compilePolicy(lookupPolicy(url), { source: 'policy.yaml' }), url);
    const client = connect(Number(new URL(gw.base).port), '127.0.0.1');
    client.on('error', () => undefined);
    try {
      client.write('PUT /v1/upload HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n0123456789');
      await withDeadline('the upstream to get the request', arrived.opened);
      await withDeadline('the gateway to close', gw.gateway.close(100), 20_000);
    } finally {
      client.destroy();
      upstream.closeAllConnections();
      await new Promise<void>((resolve) => upstream.close(() => resolve()));
    }
  });
});
