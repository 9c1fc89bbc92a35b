import { describe, it } from 'node:test';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { compilePolicy } from '../../src/policy/index.ts';
import { lookupPolicy } from '../helpers/policies.ts';
import { startTestGateway } from '../helpers/test-gateway.ts';
import { gate, withDeadline } from '../helpers/wait-for.ts';

/**
 * Regression (found by the HTTP fuzzer, issue 13): a client that sent part of a streamed body
 * and hung up left the upstream request waiting for the rest on a pooled connection; enough such
 * uploads held every connection and the gateway stopped answering. The gateway now aborts the
 * upstream request when the client leaves before its body is complete.
 */
describe('regression: an abandoned upload frees its upstream connection', () => {
  it('aborts the upstream request when the client hangs up mid-body', async () => {
    const arrived = gate();
    const aborted = gate();
    const upstream = createServer((req) => {
      req.resume();
      arrived.open();
      req.once('close', () => {
        if (!req.complete) aborted.open();
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const gw = await startTestGateway(compilePolicy(lookupPolicy(url), { source: 'policy.yaml' }), url);
    const client = connect(Number(new URL(gw.base).port), '127.0.0.1');
    client.on('error', () => undefined);
    try {
      client.write('PUT /v1/upload HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n0123456789');
      await withDeadline('the upstream to get the request', arrived.opened);
      client.destroy();
      await withDeadline('the upstream request to be aborted', aborted.opened);
    } finally {
      client.destroy();
      await gw.gateway.close(100);
      upstream.closeAllConnections();
      await new Promise<void>((resolve) => upstream.close(() => resolve()));
    }
  });
});
