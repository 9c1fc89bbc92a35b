import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { startGateway, type RunningGateway } from '../../src/cli/start-gateway.ts';
import { formatE164 } from '../../src/reference/e164.ts';
import { startReferenceService } from '../../src/reference/http.ts';
import { createPopulation } from '../../src/reference/population/population.ts';
import { startEchoUpstream } from './echo-upstream.ts';
import { freePort } from './redis-harness.ts';

/**
 * Two real gateways that, between them, give every metric family the operations kit reads at
 * least one sample: one on a Redis store that is down, one under the shipped default policy
 * being scanned. They keep running (so Prometheus can scrape them) until stop().
 */
export interface KitGateway {
  readonly running: RunningGateway;
  /** The metrics listener's host:port, as a Prometheus target. */
  readonly target: string;
  scrape(): Promise<string>;
  stop(): Promise<void>;
}

const silent = pino({ level: 'silent' });

function kitGateway(running: RunningGateway, close: () => Promise<void>, drainMs: number): KitGateway {
  const metrics = running.metrics;
  assert.ok(metrics, 'the policy has server.metrics');
  return {
    running,
    target: `${metrics.address.address}:${metrics.address.port}`,
    async scrape() {
      const res = await fetch(metrics.url);
      assert.equal(res.status, 200);
      return res.text();
    },
    async stop() {
      await running.stop(drainMs);
      await close();
    },
  };
}

/**
 * The Redis store with Redis down (every store family gets samples: errors, fallbacks, the
 * circuit, left open or probing), a limited route (allowed and quota-exceeded), an unmatched path (no-route) and an
 * upstream that does not answer in time (upstream-timeout).
 */
export async function startStoreAndUpstreamGateway(dir: string): Promise<KitGateway> {
  const upstream = await startEchoUpstream();
  const policyPath = join(dir, 'redis-down.yaml');
  writeFileSync(
    policyPath,
    `version: 1
upstream: ${upstream.url}
server:
  upstreamTimeout: 200ms
  store: { redis: 'redis://127.0.0.1:${await freePort()}', timeout: 10s }
  metrics: { listen: 127.0.0.1:0 }
routes:
  - id: lookup
    match: { path: /lookup }
    auth: none
    storeUnavailable: local
    limits:
      - { key: ip, rate: 2/1h }
  - id: slow
    match: { path: /slow }
    auth: none
    storeUnavailable: allow
`,
  );
  const running = await startGateway({
    policyPath,
    port: 0,
    host: '127.0.0.1',
    logger: silent,
    watch: false,
  });
  const gateway = kitGateway(running, () => upstream.close(), 100);
  try {
    const base = `http://127.0.0.1:${running.address.port}`;
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${base}/lookup`)).status);
    statuses.push((await fetch(`${base}/nowhere`)).status);
    upstream.hold(); // never released: the gateway's upstream timeout answers
    statuses.push((await fetch(`${base}/slow`)).status);
    assert.deepEqual(statuses, [200, 200, 429, 404, 504]);
    // More failed store calls until the circuit breaker leaves closed (5 failures open it), so
    // the circuit's panel and alert have something to show; each call fails at once.
    for (let i = 0; /^enumguard_store_circuit_state 0$/m.test(await gateway.scrape()); i++) {
      assert.ok(i < 20, 'the circuit opens within 20 more requests');
      assert.equal((await fetch(`${base}/lookup`)).status, 429);
    }
    return gateway;
  } catch (err) {
    await gateway.stop();
    throw err;
  }
}

/**
 * The shipped default policy before the reference service, and one account's scan of 1,000
 * numbers: a hit-ratio finding, and the scan's answer withheld (403 blocked).
 */
export async function startScannedGateway(dir: string): Promise<KitGateway> {
  const population = createPopulation({ seed: 41, accounts: 20_000 });
  const service = await startReferenceService({ population, port: 0 });
  const policy = readFileSync(join(import.meta.dirname, '../../policies/enumguard-default.yaml'), 'utf8');
  const policyPath = join(dir, 'defaults.yaml');
  writeFileSync(policyPath, `${policy}\nserver:\n  metrics: { listen: 127.0.0.1:0 }\n`);
  const running = await startGateway({
    policyPath,
    port: 0,
    host: '127.0.0.1',
    logger: silent,
    watch: false,
    upstream: service.url,
  });
  const gateway = kitGateway(running, () => service.close(), 1000);
  const base = `http://127.0.0.1:${running.address.port}`;
  const post = (path: string, body: unknown, token?: string) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  try {
    const reg = await post('/v1/accounts', { number: '+447700900002' });
    assert.equal(reg.status, 201);
    const token = ((await reg.json()) as { token: string }).token;
    const scan = Array.from({ length: 1000 }, (_, i) =>
      formatE164(population.candidateAt((i * 7919) % population.candidateCount)),
    );
    assert.equal((await post('/v1/contacts/discover', { numbers: scan }, token)).status, 403);
    return gateway;
  } catch (err) {
    await gateway.stop();
    throw err;
  }
}
