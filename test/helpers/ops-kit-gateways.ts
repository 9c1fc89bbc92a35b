import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { startGateway, type RunningGateway } from '../../src/cli/start-gateway.ts';
import { formatE164 } from '../../src/reference/e164.ts';
import { startReferenceService } from '../../src/reference/http.ts';
import { createPopulation } from '../../src/reference/population/population.ts';
import { startAlertReceiver } from './alert-receiver.ts';
import { startEchoUpstream } from './echo-upstream.ts';
import { freePort } from './redis-harness.ts';
import { waitUntil } from './wait-for.ts';

/**
 * Two real gateways that, between them, give every metric family the operations kit reads at
 * least one sample: one on a Redis store that is down, one under the shipped default policy
 * being scanned, alerting to one webhook that works and one that fails. They keep running (so Prometheus can scrape them) until stop().
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

/** The scanned gateway's two webhooks: `oncall` delivers, `chat` is refused (500) every time. */
export const KIT_SINKS = { delivering: 'oncall', failing: 'chat' } as const;
/** The env variable holding `oncall`'s signing key (a policy names secrets, never holds them). */
const KIT_SECRET_ENV = 'ENUMGUARD_OPS_KIT_HOOK_SECRET';

export interface ScannedKitGateway extends KitGateway {
  /**
   * One more account's scan of 1,000 numbers: a new finding, so a new incident and a new alert
   * on each webhook. Resolves once `oncall` has delivered it and `chat` has given it up.
   */
  scanAgain(): Promise<void>;
}

/**
 * The shipped default policy before the reference service, and one account's scan of 1,000
 * numbers: a hit-ratio finding, and the scan's answer withheld (403 blocked). Its `alerts:`
 * section (docs/alerts.md) sends the scan's alerts to two webhooks on loopback: `oncall`, a
 * receiver that answers 200, and `chat`, one that answers 500 (no retries, so each alert is
 * given up at once), so the event stream's and every per-sink alert family has samples, and
 * sent and failed both move.
 */
export async function startScannedGateway(dir: string): Promise<ScannedKitGateway> {
  const population = createPopulation({ seed: 41, accounts: 20_000 });
  const service = await startReferenceService({ population, port: 0 });
  const delivering = await startAlertReceiver('ok');
  const failing = await startAlertReceiver('fail');
  process.env[KIT_SECRET_ENV] ??= 'ops-kit-test-secret-0123456789abcdef';
  const policy = readFileSync(join(import.meta.dirname, '../../policies/enumguard-default.yaml'), 'utf8');
  const policyPath = join(dir, 'defaults.yaml');
  writeFileSync(
    policyPath,
    `${policy}
server:
  metrics: { listen: 127.0.0.1:0 }
alerts:
  webhooks:
    - { id: ${KIT_SINKS.delivering}, url: '${delivering.url}/alerts', secretEnv: ${KIT_SECRET_ENV} }
    - { id: ${KIT_SINKS.failing}, format: slack, url: '${failing.url}/slack', retries: 0 }
`,
  );
  const closeAll = async (): Promise<void> => {
    await Promise.all([service.close(), delivering.close(), failing.close()]);
  };
  let running: RunningGateway;
  try {
    running = await startGateway({
      policyPath,
      port: 0,
      host: '127.0.0.1',
      logger: silent,
      watch: false,
      upstream: service.url,
    });
  } catch (err) {
    await closeAll();
    throw err;
  }
  const gateway = kitGateway(running, closeAll, 1000);
  const base = `http://127.0.0.1:${running.address.port}`;
  const post = (path: string, body: unknown, token?: string) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  const sinkStats = (id: string) => {
    const sink = running.alerts?.stats().find((s) => s.sink === id);
    assert.ok(sink, `the sink ${id} is running`);
    return sink;
  };
  let scans = 0;
  async function scan(): Promise<void> {
    const sentBefore = sinkStats(KIT_SINKS.delivering).sent;
    const failedBefore = sinkStats(KIT_SINKS.failing).failed;
    scans++;
    const reg = await post('/v1/accounts', { number: `+4477009000${String(scans + 1).padStart(2, '0')}` });
    assert.equal(reg.status, 201);
    const token = ((await reg.json()) as { token: string }).token;
    const numbers = Array.from({ length: 1000 }, (_, i) =>
      formatE164(population.candidateAt((i * 7919 + (scans - 1) * 104_729) % population.candidateCount)),
    );
    assert.equal((await post('/v1/contacts/discover', { numbers }, token)).status, 403);
    // Delivery runs on its own after the answer: wait for it, not for an amount of time.
    await waitUntil('the scan alerted: oncall delivered, chat gave up', () => {
      return (
        sinkStats(KIT_SINKS.delivering).sent > sentBefore &&
        sinkStats(KIT_SINKS.failing).failed > failedBefore
      );
    });
  }
  try {
    await scan();
    return { ...gateway, scanAgain: scan };
  } catch (err) {
    await gateway.stop();
    throw err;
  }
}
