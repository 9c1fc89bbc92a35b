import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startGateway, type RunningGateway, type StartOptions } from '../../src/cli/start-gateway.ts';
import { manualClock } from '../../src/core/clock.ts';
import { isEnumguardError } from '../../src/core/errors.ts';
import { formatE164 } from '../../src/reference/e164.ts';
import { startReferenceService } from '../../src/reference/http.ts';
import { createPopulation } from '../../src/reference/population/population.ts';
import { startEchoUpstream, type EchoUpstream } from '../helpers/echo-upstream.ts';
import { parseExposition } from '../helpers/prometheus.ts';
import { freePort } from '../helpers/redis-harness.ts';

/**
 * The real gateway with `server.metrics`, scraped over HTTP the way Prometheus does: counters
 * move after allowed and denied requests, a store outage shows up as errors, fallbacks and an
 * open circuit, a withheld scan as a withheld decision and a risk finding, and the metrics are
 * never on the gateway's own port.
 */
const silent = pino({ level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'enumguard-metrics-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function writePolicy(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The gateway in process on a free loopback port, quiet, without a file watcher. */
const start = (policyPath: string, extra: Partial<StartOptions> = {}): Promise<RunningGateway> =>
  startGateway({ policyPath, port: 0, host: '127.0.0.1', logger: silent, watch: false, ...extra });

async function scrape(running: RunningGateway) {
  assert.ok(running.metrics, 'the policy has server.metrics');
  const res = await fetch(running.metrics.url);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  return parseExposition(await res.text()).samples;
}

describe('gateway metrics endpoint (memory store)', () => {
  let upstream: EchoUpstream;
  let running: RunningGateway;
  let base: string;

  before(async () => {
    upstream = await startEchoUpstream();
    const path = writePolicy(
      'memory.yaml',
      `version: 1
upstream: ${upstream.url}
server:
  metrics: { listen: 127.0.0.1:0 }
routes:
  - id: lookup
    match: { path: /lookup }
    auth: none
    limits:
      - { key: ip, rate: 2/1h }
`,
    );
    running = await start(path);
    base = `http://127.0.0.1:${running.address.port}`;
  });
  after(async () => {
    await running.stop(100);
    await upstream.close();
  });

  it('serves the exposition on its own loopback listener, at the configured path only', async () => {
    assert.equal(running.metrics?.address.address, '127.0.0.1');
    assert.notEqual(running.metrics?.address.port, running.address.port);
    assert.equal(running.metrics?.url, `http://127.0.0.1:${running.metrics?.address.port}/metrics`);
    const samples = await scrape(running);
    assert.equal(samples.get('enumguard_store_info{kind="memory"}'), 1);
    assert.equal(samples.has('enumguard_store_circuit_state'), false, 'the memory store has no circuit');
    assert.ok((samples.get('process_start_time_seconds') ?? 0) > 1.6e9);

    const metricsBase = `http://127.0.0.1:${running.metrics?.address.port}`;
    const head = await fetch(`${metricsBase}/metrics`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
    const post = await fetch(`${metricsBase}/metrics`, { method: 'POST' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
    assert.equal((await fetch(`${metricsBase}/other`)).status, 404);
    // The public port knows no /metrics: it is a path like any other, refused as no-route.
    assert.equal((await fetch(`${base}/metrics`)).status, 404);
  });

  it('counts allowed and denied requests by route and reason', async () => {
    const before = await scrape(running);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${base}/lookup`)).status);
    assert.deepEqual(statuses, [200, 200, 429]);
    await fetch(`${base}/nowhere`);
    const after = await scrape(running);
    const moved = (series: string): number => (after.get(series) ?? 0) - (before.get(series) ?? 0);
    assert.equal(moved('enumguard_decisions_total{route="lookup",outcome="allowed",reason="ok"}'), 2);
    assert.equal(
      moved('enumguard_decisions_total{route="lookup",outcome="denied",reason="quota-exceeded"}'),
      1,
    );
    assert.equal(moved('enumguard_decisions_total{route="(none)",outcome="denied",reason="no-route"}'), 1);
  });
});

describe('gateway metrics endpoint (upstream timeout)', () => {
  it('counts an upstream that does not answer in time as an upstream error of its route', async () => {
    const upstream = await startEchoUpstream();
    const path = writePolicy(
      'slow.yaml',
      `version: 1
upstream: ${upstream.url}
server:
  upstreamTimeout: 200ms
  metrics: { listen: 127.0.0.1:0 }
routes:
  - id: slow
    match: { path: /slow }
    auth: none
`,
    );
    const running = await start(path);
    try {
      upstream.hold(); // never released: the gateway's upstream timeout answers
      assert.equal((await fetch(`http://127.0.0.1:${running.address.port}/slow`)).status, 504);
      const samples = await scrape(running);
      assert.equal(samples.get('enumguard_upstream_errors_total{route="slow",error="upstream-timeout"}'), 1);
      assert.equal(samples.get('enumguard_decisions_total{route="slow",outcome="allowed",reason="ok"}'), 1);
    } finally {
      await running.stop(100);
      await upstream.close();
    }
  });
});

describe('gateway metrics endpoint (Redis store, Redis down)', () => {
  it('shows the outage: store errors, fallbacks by mode, the circuit open then half-open', async () => {
    const upstream = await startEchoUpstream();
    // Nothing listens there: every call fails at once (no offline queue) until the circuit opens;
    // the store timeout is generous, as no call waits for it.
    const port = await freePort();
    const path = writePolicy(
      'redis-down.yaml',
      `version: 1
upstream: ${upstream.url}
server:
  store: { redis: 'redis://127.0.0.1:${port}', timeout: 10s }
  metrics: { listen: 127.0.0.1:0, path: /internal/metrics }
routes:
  - id: local
    match: { path: /local }
    auth: none
    storeUnavailable: local
    limits:
      - { key: ip, rate: 100/1m }
  - id: deny
    match: { path: /deny }
    auth: none
    storeUnavailable: deny
    limits:
      - { key: ip, rate: 100/1m }
`,
    );
    const clock = manualClock(1_700_000_000_000);
    const running = await start(path, { clock });
    const base = `http://127.0.0.1:${running.address.port}`;
    try {
      assert.match(running.metrics?.url ?? '', /\/internal\/metrics$/);
      let samples = await scrape(running);
      assert.equal(samples.get('enumguard_store_info{kind="redis"}'), 1);
      assert.equal(samples.get('enumguard_store_circuit_state'), 0);

      const local: number[] = [];
      const deny: number[] = [];
      for (let i = 0; i < 6; i++) local.push((await fetch(`${base}/local`)).status);
      for (let i = 0; i < 3; i++) deny.push((await fetch(`${base}/deny`)).status);
      assert.deepEqual(local, [200, 200, 200, 200, 200, 200], 'local mode answers from the process');
      assert.deepEqual(deny, [503, 503, 503]);

      samples = await scrape(running);
      const failures =
        (samples.get('enumguard_store_errors_total') ?? 0) +
        (samples.get('enumguard_store_timeouts_total') ?? 0);
      assert.equal(failures, 5, 'five failed calls open the circuit; then Redis is not called');
      assert.equal(samples.get('enumguard_store_circuit_state'), 2);
      assert.equal(samples.get('enumguard_store_circuit_transitions_total{to="open"}'), 1);
      assert.equal(samples.get('enumguard_store_fallbacks_total{mode="local"}'), 6);
      assert.equal(samples.get('enumguard_store_fallbacks_total{mode="deny"}'), 3);
      assert.equal(samples.get('enumguard_store_fallbacks_total{mode="allow"}'), 0);
      assert.equal(samples.get('enumguard_decisions_total{route="local",outcome="allowed",reason="ok"}'), 6);
      assert.equal(
        samples.get('enumguard_decisions_total{route="deny",outcome="denied",reason="store-unavailable"}'),
        3,
      );

      clock.advance(2_000);
      samples = await scrape(running);
      assert.equal(samples.get('enumguard_store_circuit_state'), 1, 'half-open once openMs has passed');
      assert.equal(samples.get('enumguard_store_circuit_transitions_total{to="half-open"}'), 1);
    } finally {
      await running.stop(100);
      await upstream.close();
    }
  });
});

describe('gateway metrics endpoint (defenses)', () => {
  it('counts a withheld scan and the finding that withheld it', async () => {
    const population = createPopulation({ seed: 31, accounts: 20_000 });
    const service = await startReferenceService({ population, port: 0 });
    const policy = readFileSync(join(import.meta.dirname, '../../policies/enumguard-default.yaml'), 'utf8');
    const path = writePolicy('defaults.yaml', `${policy}\nserver:\n  metrics: { listen: 127.0.0.1:0 }\n`);
    const running = await start(path, { upstream: service.url });
    const base = `http://127.0.0.1:${running.address.port}`;
    const post = (path: string, body: unknown, token?: string) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
    try {
      const reg = await post('/v1/accounts', { number: '+447700900001' });
      assert.equal(reg.status, 201);
      const token = ((await reg.json()) as { token: string }).token;
      const scan = Array.from({ length: 1000 }, (_, i) =>
        formatE164(population.candidateAt((i * 7919) % population.candidateCount)),
      );
      assert.equal((await post('/v1/contacts/discover', { numbers: scan }, token)).status, 403);
      assert.equal((await post('/v1/contacts/discover', { numbers: scan.slice(0, 5) }, token)).status, 403);

      const res = await fetch(running.metrics?.url ?? '');
      const text = await res.text();
      const { samples } = parseExposition(text);
      assert.equal(
        samples.get('enumguard_decisions_total{route="discover",outcome="withheld",reason="blocked"}'),
        1,
        'the scan answer was withheld',
      );
      assert.equal(
        samples.get('enumguard_decisions_total{route="discover",outcome="denied",reason="blocked"}'),
        1,
      );
      assert.equal(
        samples.get('enumguard_risk_findings_total{route="discover",detector="hit-ratio",shadow="false"}'),
        1,
      );
      assert.ok(!text.includes(token), 'no token in any label');
      assert.ok(!text.includes('127.0.0.1'), 'no address in any label');
    } finally {
      await running.stop(1000);
      await service.close();
    }
  });
});

describe('gateway metrics endpoint (start)', () => {
  it('refuses to start, with the address named, when the metrics address is taken', async () => {
    const upstream = await startEchoUpstream();
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    const path = writePolicy(
      'taken.yaml',
      `version: 1\nupstream: ${upstream.url}\nserver:\n  metrics: { listen: 127.0.0.1:${port} }\nroutes: []\n`,
    );
    try {
      await assert.rejects(start(path), (err: unknown) => {
        assert.ok(isEnumguardError(err, 'ERR_CONFIG'));
        assert.equal(
          err.message,
          `cannot serve metrics on 127.0.0.1:${port} (server.metrics.listen): the address is in use`,
        );
        return true;
      });
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
      await upstream.close();
    }
  });

  it('has no metrics listener when the policy has no server.metrics', async () => {
    const upstream = await startEchoUpstream();
    const path = writePolicy('off.yaml', `version: 1\nupstream: ${upstream.url}\nroutes: []\n`);
    const running = await start(path);
    try {
      assert.equal(running.metrics, undefined);
    } finally {
      await running.stop(100);
      await upstream.close();
    }
  });
});
