import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startGateway, type RunningGateway } from '../../src/cli/start-gateway.ts';
import { formatE164 } from '../../src/reference/e164.ts';
import { startReferenceService } from '../../src/reference/http.ts';
import { createPopulation } from '../../src/reference/population/population.ts';
import { startAlertReceiver } from '../helpers/alert-receiver.ts';
import { startEchoUpstream } from '../helpers/echo-upstream.ts';
import { parseExposition } from '../helpers/prometheus.ts';
import { freePort } from '../helpers/redis-harness.ts';
import { waitUntil } from '../helpers/wait-for.ts';

/**
 * Alerts against real receivers on loopback: a scan's finding reaches a CloudEvents webhook
 * signed so that node:crypto alone can check it, and Slack and PagerDuty receivers in their
 * documented shapes; a receiver that hangs or is down costs requests nothing, and the sink's
 * queue stays bounded while its drop counter rises.
 */
const silent = pino({ level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'enumguard-alerts-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const SECRET = 'test-webhook-secret-0123456789abcdef';
process.env.ENUMGUARD_TEST_HOOK_SECRET = SECRET;
process.env.ENUMGUARD_TEST_PD_KEY = 'pd-routing-key-test';

function writePolicy(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** What a receiver does with `enumguard-signature`, with node:crypto only (docs/alerts.md). */
function verify(header: string | undefined, body: string, secret: string, nowS: number): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (m === null) return false;
  const [, t, mac] = m;
  if (Math.abs(nowS - Number(t)) > 300) return false; // a replay from more than 5 minutes ago
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(mac ?? '', 'hex'));
}

describe('alerts from a scan, delivered to loopback receivers', () => {
  it('sends the finding signed as a CloudEvent, and as Slack and PagerDuty messages', async () => {
    const receiver = await startAlertReceiver('ok');
    const population = createPopulation({ seed: 31, accounts: 20_000 });
    const service = await startReferenceService({ population, port: 0 });
    const policy = readFileSync(join(import.meta.dirname, '../../policies/enumguard-default.yaml'), 'utf8');
    const path = writePolicy(
      'scan.yaml',
      `${policy}
alerts:
  webhooks:
    - { id: oncall, url: "${receiver.url}/ce", secretEnv: ENUMGUARD_TEST_HOOK_SECRET }
    - { id: chat, format: slack, url: "${receiver.url}/slack", events: [finding] }
    - { id: pager, format: pagerduty, url: "${receiver.url}/pd", routingKeyEnv: ENUMGUARD_TEST_PD_KEY, events: [block-started] }
`,
    );
    const running = await startGateway({
      policyPath: path,
      upstream: service.url,
      port: 0,
      host: '127.0.0.1',
      logger: silent,
      watch: false,
    });
    const base = `http://127.0.0.1:${running.address.port}`;
    const post = (p: string, body: unknown, token?: string) =>
      fetch(`${base}${p}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
    try {
      const reg = await post('/v1/accounts', { number: '+447700900001' });
      const token = ((await reg.json()) as { token: string }).token;
      const scan = Array.from({ length: 1000 }, (_, i) =>
        formatE164(population.candidateAt((i * 7919) % population.candidateCount)),
      );
      assert.equal((await post('/v1/contacts/discover', { numbers: scan }, token)).status, 403);
      // Four more refused lookups: the same incident, so no new alert.
      for (let i = 0; i < 4; i++) await post('/v1/contacts/discover', { numbers: scan.slice(0, 5) }, token);

      const ce = await waitUntil('the CloudEvent', () => receiver.received.find((r) => r.path === '/ce'));
      assert.equal(ce.headers['content-type'], 'application/cloudevents+json; charset=utf-8');
      assert.ok(
        verify(ce.headers['enumguard-signature'] as string, ce.body, SECRET, Date.now() / 1000),
        'signature checks',
      );
      assert.ok(
        !verify(
          ce.headers['enumguard-signature'] as string,
          ce.body.replace('finding', 'findinG'),
          SECRET,
          Date.now() / 1000,
        ),
        'a changed body fails',
      );
      assert.ok(
        !verify(ce.headers['enumguard-signature'] as string, ce.body, SECRET, Date.now() / 1000 + 3600),
        'an hour-old signature fails',
      );
      const event = JSON.parse(ce.body) as Record<string, unknown> & {
        data: Record<string, unknown> & { first: Record<string, unknown> };
      };
      assert.equal(event.specversion, '1.0');
      assert.equal(event.type, 'dev.enumguard.finding');
      assert.equal(typeof event.id, 'string');
      assert.match(String(event.source), /^\/enumguard\//);
      assert.equal(event.data.action, 'trigger');
      assert.equal(event.data.first.detector, 'hit-ratio');
      assert.match(String(event.data.first.identityTag), /^[0-9a-f]{12}$/);
      assert.ok(!ce.body.includes(token), 'no bearer token in an alert');
      assert.ok(!ce.body.includes(scan[0] ?? 'x'), 'no looked-up number in an alert');

      const slack = await waitUntil('the Slack message', () =>
        receiver.received.find((r) => r.path === '/slack'),
      );
      const message = JSON.parse(slack.body) as { text: string; blocks: { type: string }[] };
      assert.equal(slack.headers['content-type'], 'application/json');
      assert.match(message.text, /finding hit-ratio on discover/);
      assert.deepEqual(
        message.blocks.map((b) => b.type),
        ['header', 'section', 'section', 'context'],
      );

      const pd = await waitUntil('the PagerDuty event', () =>
        receiver.received.find((r) => r.path === '/pd'),
      );
      const pdEvent = JSON.parse(pd.body) as {
        routing_key: string;
        event_action: string;
        dedup_key: string;
        payload: Record<string, unknown>;
      };
      assert.equal(pdEvent.routing_key, 'pd-routing-key-test');
      assert.equal(pdEvent.event_action, 'trigger');
      assert.match(pdEvent.dedup_key, /^block-started\|\|id:[0-9a-f]{12}$/);
      assert.equal(pdEvent.payload.severity, 'critical');
      assert.equal(typeof pdEvent.payload.summary, 'string');
      assert.equal(pdEvent.payload.source, running.events.recent(1)[0]?.instance);

      // The finding and the block it caused are two incidents; the four later refusals are
      // neither (refusals are not in the default filter) and the finding is not repeated.
      await waitUntil(
        'the block alert',
        () => receiver.received.filter((r) => r.path === '/ce').length === 2,
      );
      const ceTypes = receiver.received
        .filter((r) => r.path === '/ce')
        .map((r) => (JSON.parse(r.body) as { type: string }).type)
        .sort();
      assert.deepEqual(ceTypes, ['dev.enumguard.block-started', 'dev.enumguard.finding']);
      const kinds = running.events.recent(100).map((e) => e.type);
      assert.ok(
        kinds.includes('refusal') && kinds.includes('risk-level') && kinds.includes('block-started'),
        kinds.join(),
      );
    } finally {
      await running.stop(1000);
      await service.close();
      await receiver.close();
    }
  });
});

describe('alerts to receivers that hang or are down', () => {
  it('costs requests nothing and keeps every queue bounded, counting drops', async () => {
    const upstream = await startEchoUpstream();
    const hang = await startAlertReceiver('hang');
    const downPort = await freePort();
    const path = writePolicy(
      'refusals.yaml',
      `version: 1
upstream: ${upstream.url}
server:
  trustedProxies: [127.0.0.1/32]
  metrics: { listen: 127.0.0.1:0 }
routes:
  - id: lookup
    match: { path: /lookup }
    auth: none
    limits:
      - { key: ip, rate: 1/1h }
alerts:
  webhooks:
    - { id: hang, url: "${hang.url}/h", secretEnv: ENUMGUARD_TEST_HOOK_SECRET, events: [refusal], queue: 5, retries: 0, timeout: 60s }
    - { id: down, url: "http://127.0.0.1:${downPort}/d", secretEnv: ENUMGUARD_TEST_HOOK_SECRET, events: [refusal], queue: 5, retries: 1 }
`,
    );
    const running: RunningGateway = await startGateway({
      policyPath: path,
      port: 0,
      host: '127.0.0.1',
      logger: silent,
      watch: false,
    });
    const base = `http://127.0.0.1:${running.address.port}`;
    try {
      // 200 callers from 200 networks, each refused on its second request: 200 incidents.
      const statuses: number[] = [];
      for (let i = 0; i < 200; i++) {
        const headers = { 'x-forwarded-for': `10.${i >> 8}.${i & 255}.7` };
        for (let k = 0; k < 2; k++) statuses.push((await fetch(`${base}/lookup`, { headers })).status);
      }
      assert.equal(statuses.filter((s) => s === 200).length, 200);
      assert.equal(
        statuses.filter((s) => s === 429).length,
        200,
        'every request was answered while the receiver hangs',
      );
      await waitUntil('the hung receiver to hold the first alert', () => hang.held() === 1);

      const stats = new Map(running.alerts?.stats().map((s) => [s.sink, s]));
      const h = stats.get('hang');
      assert.ok(h !== undefined);
      assert.equal(h.sent, 0);
      assert.ok(h.queued <= 5, `queued ${h.queued}`);
      assert.equal(h.dropped, 200 - 1 - h.queued, 'all but the one in flight and the queued were dropped');
      assert.ok(h.incidentsOpen <= 10_000);

      const down = await waitUntil('the down receiver to count a failure', () => {
        const d = running.alerts?.stats().find((s) => s.sink === 'down');
        return d !== undefined && d.failed >= 1 ? d : undefined;
      });
      // Every alert is sent, failed, dropped, queued or the one in flight; the queue never
      // held more than its 5, so refusals faster than a failing receiver were dropped.
      const accounted = down.sent + down.failed + down.dropped + down.queued;
      assert.ok(accounted >= 199 && accounted <= 200, `accounted ${accounted}`);
      assert.ok(down.queued <= 5 && down.dropped > 0, `queued ${down.queued}, dropped ${down.dropped}`);
      assert.equal(down.sent, 0);

      assert.ok(running.metrics);
      const { samples } = parseExposition(await (await fetch(running.metrics.url)).text());
      assert.equal(samples.get('enumguard_alerts_sent_total{sink="hang"}'), 0);
      assert.ok((samples.get('enumguard_alerts_dropped_total{sink="hang"}') ?? 0) >= 194);
      assert.ok((samples.get('enumguard_alerts_failed_total{sink="down"}') ?? 0) >= 1);
      assert.ok((samples.get('enumguard_events_emitted_total') ?? 0) >= 200);
      assert.equal(samples.get('enumguard_events_dropped_total'), 0);
    } finally {
      await running.stop(100);
      await hang.close();
      await upstream.close();
    }
  });
});
