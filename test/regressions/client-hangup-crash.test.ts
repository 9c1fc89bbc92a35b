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
import { createCounter, waitUntil } from '../helpers/wait-for.ts';

/**
 * Regression: a client that hung up while the upstream was answering made the gateway
 * destroy the upstream body without an error listener, and the process died on the
 * unhandled 'error' event. Found by wrk closing its connections at the end of a run.
 *
 * The order is made by conditions, not by a delay: the upstream holds every answer until
 * all 20 clients are gone and the gateway has seen them go, then answers; the gateway reports
 * each answer it dropped for a departed client (status 499) before the test goes on.
 */
const CLIENTS = 20;

describe('regression: a client hanging up mid-request', () => {
  it('leaves the gateway serving', async () => {
    const upstream = await startEchoUpstream();
    const clock = manualClock(0);
    const policy = compilePolicy(lookupPolicy(upstream.url));
    const dropped = createCounter('answers dropped for departed clients');
    const gateway = createGateway({
      pipeline: createPipeline({ policy, store: createMemoryStore({ clock }), clock }),
      upstream: createUpstreamPool(upstream.url, { timeoutMs: policy.server.upstreamTimeoutMs }),
      logger: pino({ level: 'silent' }),
      onReport: (report) => {
        if (report.status === 499) dropped.add();
      },
    });
    const { port } = await gateway.listen(0);
    const connections = (): Promise<number> =>
      new Promise((resolve, reject) =>
        gateway.server.getConnections((err, n) => (err ? reject(err) : resolve(n))),
      );
    try {
      upstream.hold();
      for (let i = 0; i < CLIENTS; i++) {
        const socket = connect(port, '127.0.0.1');
        await new Promise<void>((resolve) => socket.once('connect', resolve));
        socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
        // Hang up only once the upstream has the request: the gateway is waiting for its answer.
        await upstream.received(i + 1);
        socket.destroy();
      }
      await waitUntil('the gateway to see every client hang up', async () => (await connections()) === 0);
      upstream.release();
      await dropped.reached(CLIENTS);
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      assert.equal(res.status, 200);
    } finally {
      await gateway.close(100);
      await upstream.close();
    }
  });
});
