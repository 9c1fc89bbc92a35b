import { pino } from 'pino';
import { manualClock } from '../../src/core/clock.ts';
import { createGateway, type Gateway } from '../../src/gateway/server.ts';
import { createUpstreamPool } from '../../src/gateway/upstream.ts';
import { createPipeline } from '../../src/pipeline/pipeline.ts';
import type { CompiledPolicy } from '../../src/policy/types.ts';
import { createMemoryStore } from '../../src/stores/memory-store.ts';

export interface TestGateway {
  readonly gateway: Gateway;
  /** http://127.0.0.1:<port> */
  readonly base: string;
  close(): Promise<void>;
}

/**
 * A gateway on port 0 in front of `upstreamUrl`, enforcing `policy` on a memory store and a
 * manual clock (time moves only when a test says so), logging nothing.
 */
export async function startTestGateway(policy: CompiledPolicy, upstreamUrl: string): Promise<TestGateway> {
  const clock = manualClock(0);
  const gateway = createGateway({
    pipeline: createPipeline({ policy, store: createMemoryStore({ clock }), clock }),
    upstream: createUpstreamPool(upstreamUrl, { timeoutMs: policy.server.upstreamTimeoutMs }),
    logger: pino({ level: 'silent' }),
  });
  const { port } = await gateway.listen(0);
  return { gateway, base: `http://127.0.0.1:${port}`, close: () => gateway.close(100) };
}
