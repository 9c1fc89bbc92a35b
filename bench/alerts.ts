/**
 * Alerts (issue 14): (a) latency from the request that triggers a finding to a webhook
 * receiver's arrival; (b) gateway throughput with a webhook receiver that never answers
 * against no alerts, alternating in one run, with the gateway's CPU per request; (c) heap and
 * RSS over 1,000,000 events through the bus and a webhook sink whose receiver never answers.
 *
 *   node --expose-gc --import tsx bench/alerts.ts [--findings 10] [--seconds 5] [--rounds 3] [--events 1000000]
 */
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { pino } from 'pino';
import { startGateway } from '../src/cli/start-gateway.ts';
import { createEventBus } from '../src/events/event-bus.ts';
import { startAlerts } from '../src/events/alerts.ts';
import { compilePolicy } from '../src/policy/compile.ts';
import { formatE164 } from '../src/reference/e164.ts';
import { startReferenceService } from '../src/reference/http.ts';
import { createPopulation } from '../src/reference/population/population.ts';
import { systemClock } from '../src/runtime/system-clock.ts';
import { startAlertReceiver } from '../test/helpers/alert-receiver.ts';
import { BENCH_API_KEY, benchPolicy } from './bench-policy.ts';
import { freePort } from './free-port.ts';
import { median, startProcess, stopProcess } from './wrk.ts';

// autocannon ships no types; the part used here, typed.
interface AutocannonResult {
  readonly requests: { readonly average: number; readonly total: number };
  readonly non2xx: number;
}
const autocannon = createRequire(import.meta.url)('autocannon') as (opts: {
  url: string;
  connections: number;
  duration: number;
  headers: Record<string, string>;
}) => Promise<AutocannonResult>;

const SECRET = 'bench-webhook-secret-0123456789';
process.env.ENUMGUARD_BENCH_HOOK_SECRET = SECRET;
const dir = mkdtempSync(join(tmpdir(), 'enumguard-bench-alerts-'));

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number;
}

/** (a) Each finding from a fresh account on its own /24, so each opens its own incident. */
async function findingLatency(findings: number): Promise<number[]> {
  const receiver = await startAlertReceiver('ok');
  const population = createPopulation({ seed: 31, accounts: 20_000 });
  const service = await startReferenceService({ population, port: 0 });
  const policy = readFileSync('policies/enumguard-default.yaml', 'utf8');
  const path = join(dir, 'latency.yaml');
  writeFileSync(
    path,
    `${policy}
server:
  trustedProxies: [127.0.0.1/32]
alerts:
  webhooks:
    - { id: oncall, url: "${receiver.url}/ce", secretEnv: ENUMGUARD_BENCH_HOOK_SECRET, events: [finding] }
`,
  );
  const running = await startGateway({
    policyPath: path,
    upstream: service.url,
    port: 0,
    host: '127.0.0.1',
    logger: pino({ level: 'silent' }),
    watch: false,
  });
  const base = `http://127.0.0.1:${running.address.port}`;
  const latencies: number[] = [];
  try {
    for (let i = 0; i < findings; i++) {
      const xff = `10.${i}.0.9`;
      const post = (p: string, body: unknown, token?: string) =>
        fetch(`${base}${p}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-forwarded-for': xff,
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify(body),
        });
      const reg = await post('/v1/accounts', { number: formatE164(population.candidateAt(1_000 + i)) });
      const token = ((await reg.json()) as { token: string }).token;
      const scan = Array.from({ length: 1000 }, (_, k) =>
        formatE164(population.candidateAt((k * 7919 + i * 13) % population.candidateCount)),
      );
      const before = receiver.received.length;
      const sentAt = performance.now();
      await post('/v1/contacts/discover', { numbers: scan }, token);
      while (receiver.received.length === before) await new Promise((r) => setTimeout(r, 1));
      latencies.push((receiver.received[before]?.arrivedAt ?? 0) - sentAt);
    }
  } finally {
    await running.stop(100);
    await service.close();
    await receiver.close();
  }
  return latencies;
}

/** utime + stime of a process, in ms, from /proc (Linux). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // USER_HZ = 100
}

interface Round {
  readonly variant: 'none' | 'hang';
  readonly rps: number;
  readonly cpuUsPerRequest: number;
  readonly non2xx: number;
}

/** (b) One caller over its limit: every request is refused and emits a refusal event. */
async function throughput(seconds: number, rounds: number): Promise<Round[]> {
  const hang = await startAlertReceiver('hang');
  const upPort = await freePort();
  const up = await startProcess(process.execPath, ['bench/servers/upstream.mjs', String(upPort)], upPort);
  const base = benchPolicy(`http://127.0.0.1:${upPort}`).replace(
    'rate: 1000000000/1s }\n      - { id: per-ip',
    'rate: 1/1h }\n      - { id: per-ip',
  );
  const alerts = `alerts:
  webhooks:
    - { id: hang, url: "${hang.url}/h", secretEnv: ENUMGUARD_BENCH_HOOK_SECRET, events: [refusal, finding, block-started], timeout: 60s, retries: 0 }
`;
  const gateways: Record<
    Round['variant'],
    { port: number; child: Awaited<ReturnType<typeof startProcess>> }
  > = {} as never;
  for (const variant of ['none', 'hang'] as const) {
    const path = join(dir, `${variant}.yaml`);
    writeFileSync(path, variant === 'none' ? base : `${base}${alerts}`);
    const port = await freePort();
    const child = await startProcess(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'gateway',
        '--config',
        path,
        '--port',
        String(port),
        '--log-level',
        'warn',
      ],
      port,
    );
    gateways[variant] = { port, child };
  }
  const load = (port: number, s: number) =>
    autocannon({
      url: `http://127.0.0.1:${port}/v1/lookup`,
      connections: 64,
      duration: s,
      headers: { 'x-api-key': BENCH_API_KEY },
    });
  const out: Round[] = [];
  try {
    for (const v of ['none', 'hang'] as const) await load(gateways[v].port, 2); // warm-up
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? (['none', 'hang'] as const) : (['hang', 'none'] as const);
      for (const variant of order) {
        const g = gateways[variant];
        const pid = g.child.pid ?? 0;
        const c0 = cpuMs(pid);
        const result = await load(g.port, seconds);
        const used = cpuMs(pid) - c0;
        const total = result.requests.total;
        out.push({
          variant,
          rps: result.requests.average,
          cpuUsPerRequest: (used * 1000) / total,
          non2xx: result.non2xx,
        });
      }
    }
  } finally {
    for (const g of Object.values(gateways)) await stopProcess(g.child);
    await stopProcess(up);
    await hang.close();
  }
  return out;
}

/** (c) 1,000,000 findings over 50,000 subjects through the bus and a hung webhook sink. */
async function memory(events: number): Promise<{ at: number; heapMb: number; rssMb: number }[]> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const hang = await startAlertReceiver('hang');
  const policy = compilePolicy(
    `version: 1\nroutes: []\nalerts:\n  webhooks:\n    - { id: hang, url: "${hang.url}/h", secretEnv: ENUMGUARD_BENCH_HOOK_SECRET, timeout: 60s, retries: 0 }\n`,
  );
  const bus = createEventBus({ clock: systemClock, instance: 'bench' });
  const alerts = startAlerts({
    config: policy.alerts ?? {
      incidents: { windowMs: 1, updateEveryMs: 1, max: 1 },
      webhooks: [],
      redisStream: undefined,
    },
    bus,
    clock: systemClock,
  });
  const samples: { at: number; heapMb: number; rssMb: number }[] = [];
  const sample = (at: number) => {
    gc?.();
    const m = process.memoryUsage();
    samples.push({ at, heapMb: m.heapUsed / 2 ** 20, rssMb: m.rss / 2 ** 20 });
  };
  sample(0);
  for (let i = 1; i <= events; i++) {
    bus.emit({
      type: 'finding',
      route: 'discover',
      detector: 'hit-ratio',
      identityTag: (i % 50_000).toString(16).padStart(12, '0'),
      prefix: `10.${(i >> 8) & 255}.${i & 255}.0/24`,
      weight: 10,
      shadow: false,
      level: 'observe',
      wouldBe: 'observe',
      score: 10,
      detail: 'hit ratio 1.0% of 1000 targets',
    });
    if (i % 100_000 === 0) {
      await new Promise((r) => setImmediate(r));
      sample(i);
    }
  }
  const stats = alerts.stats()[0];
  console.log(
    `  sink: sent ${stats?.sent}, dropped ${stats?.dropped}, queued ${stats?.queued}, incidents open ${stats?.incidentsOpen}, evicted ${stats?.incidentsEvicted}`,
  );
  alerts.close();
  await hang.close();
  return samples;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      findings: { type: 'string', default: '10' },
      seconds: { type: 'string', default: '5' },
      rounds: { type: 'string', default: '3' },
      events: { type: 'string', default: '1000000' },
    },
  });
  console.log('(a) finding → webhook receiver latency');
  const lat = await findingLatency(Number(values.findings));
  console.log(
    `  n=${lat.length} p50 ${percentile(lat, 50).toFixed(1)} ms, p99 ${percentile(lat, 99).toFixed(1)} ms, max ${Math.max(...lat).toFixed(1)} ms`,
  );
  console.log(`  all: ${lat.map((x) => x.toFixed(1)).join(', ')}`);

  console.log('(b) throughput, refused flood, webhook that never answers vs no alerts');
  const rounds = await throughput(Number(values.seconds), Number(values.rounds));
  for (const r of rounds)
    console.log(
      `  ${r.variant.padEnd(5)} ${r.rps.toFixed(0)} req/s, ${r.cpuUsPerRequest.toFixed(1)} µs CPU/request, non-2xx ${r.non2xx}`,
    );
  const med = (v: Round['variant'], f: (r: Round) => number) =>
    median(rounds.filter((r) => r.variant === v).map(f));
  const ratio = med('hang', (r) => r.rps) / med('none', (r) => r.rps);
  console.log(
    `  median: none ${med('none', (r) => r.rps).toFixed(0)} req/s (${med('none', (r) => r.cpuUsPerRequest).toFixed(1)} µs), hang ${med('hang', (r) => r.rps).toFixed(0)} req/s (${med('hang', (r) => r.cpuUsPerRequest).toFixed(1)} µs); ratio ${ratio.toFixed(3)}`,
  );

  console.log(`(c) memory over ${values.events} events`);
  const mem = await memory(Number(values.events));
  for (const m of mem)
    console.log(
      `  ${String(m.at).padStart(8)} events: heap ${m.heapMb.toFixed(1)} MB, rss ${m.rssMb.toFixed(1)} MB`,
    );
}

await main();
