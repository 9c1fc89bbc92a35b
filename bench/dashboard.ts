/**
 * Dashboard figures (issue 14 goals), not a test: first paint of /admin/ on loopback in Debian's
 * Chromium, and a soak: the page open while an attack runs through the gateway for --seconds,
 * sampling the page's JS heap (after a forced GC, over CDP) and this process's RSS (the gateway,
 * the reference service and the load driver share it). Appends a section to bench/RESULTS.md.
 *
 *   npx tsx bench/dashboard.ts --seconds 600 --sample-every 30 --loads 10
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { pino } from 'pino';
import { startGateway } from '../src/cli/start-gateway.ts';
import { formatE164 } from '../src/reference/e164.ts';
import { startReferenceService } from '../src/reference/http.ts';
import { createPopulation } from '../src/reference/population/population.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '600' },
    'sample-every': { type: 'string', default: '30' },
    loads: { type: 'string', default: '10' },
    rate: { type: 'string', default: '50' },
    'no-record': { type: 'boolean' },
  },
});
const SECONDS = Number(values.seconds);
const EVERY = Number(values['sample-every']);
const LOADS = Number(values.loads);
const RATE = Number(values.rate);
const root = join(import.meta.dirname, '..');

const dir = mkdtempSync(join(tmpdir(), 'eg-dash-bench-'));
const policyPath = join(dir, 'policy.yaml');
writeFileSync(
  policyPath,
  `${readFileSync(join(root, 'policies/enumguard-default.yaml'), 'utf8')}\nserver:\n  admin: { listen: "127.0.0.1:0" }\n`,
);
const token = randomBytes(24).toString('base64url');
const population = createPopulation({ seed: 31, accounts: 20_000 });
const service = await startReferenceService({ population, port: 0 });
const gateway = await startGateway({
  policyPath,
  upstream: service.url,
  port: 0,
  host: '127.0.0.1',
  logger: pino({ level: 'silent' }),
  watch: false,
  env: { ENUMGUARD_ADMIN_TOKEN: token },
});
const base = `http://127.0.0.1:${gateway.address.port}`;
const admin = gateway.admin?.url as string;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox'],
  headless: true,
});
const context = await browser.newContext();
const page = await context.newPage();
await page.goto(admin);
await page.fill('#token', token);
await page.click('button[type=submit]');
await page.waitForURL(/\/admin\/$/);

// First paint: fresh loads of the logged-in page (the browser's cache is off: no-store).
const paints: number[] = [];
const contentful: number[] = [];
for (let i = 0; i < LOADS; i++) {
  await page.goto(admin, { waitUntil: 'load' });
  // The page's Performance (DOM): its paint entries, as Paint Timing defines them.
  const p = await page.evaluate(() => {
    const perf = performance as unknown as {
      getEntriesByType(t: string): { name: string; startTime: number }[];
    };
    return Object.fromEntries(perf.getEntriesByType('paint').map((e) => [e.name, e.startTime]));
  });
  paints.push(p['first-paint'] ?? Number.NaN);
  contentful.push(p['first-contentful-paint'] ?? Number.NaN);
}
await page.locator('#live', { hasText: 'live' }).waitFor();

// The soak: scanners sign up and sweep; a blocked one keeps trying (refusals); ~RATE requests/s.
const cdp = await context.newCDPSession(page);
async function heap(): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  return ((await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }).usedSize;
}
const samples: { t: number; heap: number; rss: number; findings: number; requests: number }[] = [];
let requests = 0;
let n = 0;
let current: string | undefined;
const post = async (path: string, body: unknown, bearer?: string): Promise<Response> =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify(body),
  });
const started = Date.now();
let stop = false;
const attack = (async () => {
  while (!stop) {
    const t0 = Date.now();
    if (current === undefined || n % 20 === 0) {
      const reg = await post('/v1/accounts', {
        number: `+4477${String(1_000_000 + (n % 8_000_000)).padStart(8, '0')}`,
      });
      requests++;
      if (reg.status === 201) current = ((await reg.json()) as { token: string }).token;
      else await reg.arrayBuffer();
    }
    const numbers = Array.from({ length: 200 }, (_, i) =>
      formatE164(population.candidateAt((n * 200 + i) % population.candidateCount)),
    );
    const res = await post('/v1/contacts/discover', { numbers }, current);
    await res.arrayBuffer();
    requests++;
    n++;
    const wait = 1000 / RATE - (Date.now() - t0);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
})();
const sample = async (): Promise<void> => {
  const findings = await page.locator('#findings li').count();
  samples.push({
    t: Math.round((Date.now() - started) / 1000),
    heap: await heap(),
    rss: process.memoryUsage().rss,
    findings,
    requests,
  });
};
await sample();
while (Date.now() - started < SECONDS * 1000) {
  await new Promise((r) => setTimeout(r, EVERY * 1000));
  await sample();
}
stop = true;
await attack;
const liveAtEnd = (await page.locator('#live').textContent()) ?? '';
const emitted = gateway.events.stats();
await browser.close();
await gateway.stop(1000);
await service.close();
rmSync(dir, { recursive: true, force: true });

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const mib = (b: number): string => (b / 1048576).toFixed(1);
const command = `npx tsx bench/dashboard.ts --seconds ${SECONDS} --sample-every ${EVERY} --loads ${LOADS} --rate ${RATE}`;
const first = samples[0] as (typeof samples)[number];
const last = samples.at(-1) as (typeof samples)[number];
const lines = [
  `## 2026-12-07 — dashboard: first paint and a ${SECONDS >= 60 ? `${SECONDS / 60}-minute` : `${SECONDS}-second`} soak`,
  '',
  `Machine: ${cpus().length} CPUs, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, Debian chromium (headless, playwright-core). Other work shared the machine.`,
  '',
  `Reproduce: \`${command}\``,
  '',
  `First paint of /admin/ (logged in, loopback, ${LOADS} fresh loads, ms): first-paint median ${median(paints).toFixed(0)}, max ${Math.max(...paints).toFixed(0)}; first-contentful-paint median ${median(contentful).toFixed(0)}, max ${Math.max(...contentful).toFixed(0)}. Goal under 1,000 ms: ${Math.max(...contentful) < 1000 ? 'met' : 'NOT met'}.`,
  '',
  `Soak: the page open while scanners swept through the gateway at about ${RATE} requests/s for ${SECONDS} s (${last.requests.toLocaleString('en-US')} requests, ${emitted.emitted.toLocaleString('en-US')} events emitted, ${emitted.dropped} dropped); the page said "${liveAtEnd}" at the end.`,
  '',
  '| t (s) | page JS heap after GC (MiB) | process RSS (MiB) | findings listed | requests sent |',
  '| ----- | --------------------------- | ----------------- | --------------- | ------------- |',
  ...samples.map((s) => `| ${s.t} | ${mib(s.heap)} | ${mib(s.rss)} | ${s.findings} | ${s.requests} |`),
  '',
  `Heap ${mib(first.heap)} → ${mib(last.heap)} MiB; RSS ${mib(first.rss)} → ${mib(last.rss)} MiB (first sample → last).`,
  '',
];
console.log(lines.join('\n'));
if (!values['no-record']) appendFileSync(join(root, 'bench/RESULTS.md'), `\n${lines.join('\n')}`);
