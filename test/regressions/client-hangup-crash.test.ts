import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { pino } from 'pino';
import { manualClock } from '../../src/core/clock.ts';
import { createGateway } from '../../src/gateway/server.ts';
import { createUpstreamPool } from '../../src/gateway/upstream.ts';
import { createPipeline } from '../../src/pipeline/pipeline.ts';
import { compilePolicy } from '../../src/policy/index.ts';
import { createMemoryStore } from '../../src/stores/memory-store.ts';
import { startEchoUpstream } from '../helpers/echo-upstream.ts';
import { lookupPolicy } from '../helpers/policies.ts';

/**
 * Regression: a client that hung up while the upstream was answering made the gateway
 * destroy the upstream body without an error listener, and the process died on the
 * unhandled 'error' event. Found by wrk closing its connections at the end of a run.
 */
describe('regression: a client hanging up mid-request', () => {
  it('leaves the gateway serving', async () => {
    const upstream = await startEchoUpstream();
    upstream.delay(100);
    const clock = manualClock(0);
    const policy = compilePolicy(
      lookupPolicy(upstream.url).replace('upstreamTimeout: 300ms', 'upstreamTimeout: 5s'),
    );
    const gateway = createGateway({
      pipeline: createPipeline({ policy, store: createMemoryStore({ clock }), clock }),
      upstream: createUpstreamPool(upstream.url, { timeoutMs: 5000 }),
      logger: pino({ level: 'silent' }),
    });
    const { port } = await gateway.listen(0);
    try {
      for (let i = 0; i < 20; i++) {
        const socket = connect(port, '127.0.0.1');
        await new Promise<void>((resolve) => socket.once('connect', resolve));
        socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
        while (upstream.last() === undefined) await new Promise((r) => setImmediate(r));
        socket.destroy();
      }
      upstream.delay(0);
      // Let the delayed upstream answers arrive for the departed clients.
      await new Promise((r) => setTimeout(r, 300));
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      assert.equal(res.status, 200);
    } finally {
      await gateway.close(100);
      await upstream.close();
    }
  });
});
