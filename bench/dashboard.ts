/**
 * Dashboard figures (issue 14 goals), not a test: first paint of /admin/ on loopback in Debian's
 * Chromium, and a soak: the page open on the live view while a real attack runs through the
 * gateway for --seconds.
 *
 * The gateway runs in a process of its own (bench/dashboard-gateway.ts), so its RSS and heap are
 * its own; this process runs the reference service, the load driver and the browser driver. The
 * policy is policies/enumguard-default.yaml with the admin listener and a trusted proxy
 * (127.0.0.1), so each scanner comes from its own address by X-Forwarded-For (docs/gateway.md):
 * scanner k registers an account from 10.<n>.<m>.x (five scanners a /24), then sweeps the next
 * 200 consecutive candidate numbers of one shared cursor, as scenarios/sequential.yaml's
 * attacker walks them, and keeps sweeping after it is refused, --sweeps times in all. The first
 * sweep's hit ratio blocks the account, the sweeps together turn number blocks hot (range
 * density), four blocked accounts block their /24 and the fifth cannot register: findings,
 * blocks and refusals all through the run.
 *
 * Every --sample-every seconds: the page's JS heap after a forced GC (CDP
 * HeapProfiler.collectGarbage, then Runtime.getHeapUsage), its DOM nodes and listeners (CDP
 * Memory.getDOMCounters), the items in its feed and table; the gateway's RSS and heap after a
 * forced GC; the events of each kind since the last sample. Appends a section to
 * bench/RESULTS.md.
 *
 *   npx tsx bench/dashboard.ts --seconds 600 --sample-every 30 --loads 10 --rate 50
 *
 * Bounds, to see where the gateway's per-account state levels off in a short run: --max-keys
 * (the memory store's, as `gateway --max-keys`), --max-risk-records (its risk records, as
 * `gateway --max-risk-records`), --max-accounts and --max-sessions (the
 * policy's contacts.maxAccounts and accounts.maxSessions). --snapshots DIR writes the gateway's
 * heap snapshots at half time and at the end, to compare what grew.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { formatE164 } from '../src/reference/e164.ts';
import { startReferenceService } from '../src/reference/http.ts';
import { createPopulation } from '../src/reference/population/population.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '600' },
    'sample-every': { type: 'string', default: '30' },
    loads: { type: 'string', default: '10' },
    rate: { type: 'string', default: '50' },
    sweeps: { type: 'string', default: '8' },
    'max-keys': { type: 'string' },
    'max-risk-records': { type: 'string' },
    'max-accounts': { type: 'string' },
    'max-sessions': { type: 'string' },
    snapshots: { type: 'string' },
    'no-record': { type: 'boolean' },
  },
});
const SECONDS = Number(values.seconds);
const EVERY = Number(values['sample-every']);
const LOADS = Number(values.loads);
const RATE = Number(values.rate);
const SWEEPS = Number(values.sweeps);
const BATCH = 200;
const PER_NETWORK = 5;
const root = join(import.meta.dirname, '..');

const MAX_KEYS = values['max-keys'] === undefined ? undefined : Number(values['max-keys']);
const MAX_RISK = values['max-risk-records'] === undefined ? undefined : Number(values['max-risk-records']);
const MAX_ACCOUNTS = values['max-accounts'];
const MAX_SESSIONS = values['max-sessions'];
const dir = mkdtempSync(join(tmpdir(), 'eg-dash-bench-'));
const policyPath = join(dir, 'policy.yaml');
let policyText = readFileSync(join(root, 'policies/enumguard-default.yaml'), 'utf8');
// The bounds go into the sections the policy has already (a second `contacts:` is a duplicate key).
if (MAX_ACCOUNTS !== undefined)
  policyText = policyText.replace(/^contacts:\n/m, `contacts:\n  maxAccounts: ${MAX_ACCOUNTS}\n`);
if (MAX_SESSIONS !== undefined)
  policyText = policyText.replace(/^accounts:\n/m, `accounts:\n  maxSessions: ${MAX_SESSIONS}\n`);
writeFileSync(
  policyPath,
  `${policyText}\nserver:\n  admin: { listen: "127.0.0.1:0" }\n  trustedProxies: [127.0.0.1/32]\n`,
);
const token = randomBytes(24).toString('base64url');
const population = createPopulation({ seed: 31, accounts: 20_000 });
const service = await startReferenceService({ population, port: 0 });

interface GatewaySample {
  rss: number;
  heapUsed: number;
  events: { emitted: number; dropped: number; kept: number };
  counts: Record<string, number>;
}
const child = fork(join(import.meta.dirname, 'dashboard-gateway.ts'), [], {
  execArgv: ['--import', 'tsx', '--expose-gc'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
function reply<T>(key: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: Record<string, unknown>): void => {
      if (!(key in m)) return;
      child.off('message', on);
      resolve(m[key] as T);
    };
    child.on('message', on);
  });
}
const ready = reply<{ port: number; admin: string }>('ready');
child.send({
  start: {
    policyPath,
    upstream: service.url,
    token,
    ...(MAX_KEYS === undefined ? {} : { maxKeys: MAX_KEYS }),
    ...(MAX_RISK === undefined ? {} : { maxRiskRecords: MAX_RISK }),
  },
});
const { port, admin } = await ready;
async function heapSnapshot(name: string): Promise<void> {
  if (values.snapshots === undefined) return;
  const r = reply<string>('snapshot');
  child.send({ snapshot: join(values.snapshots, name) });
  console.error(`heap snapshot: ${await r}`);
}
async function gatewaySample(): Promise<GatewaySample> {
  const r = reply<GatewaySample>('sample');
  child.send('sample');
  return r;
}
const base = `http://127.0.0.1:${port}`;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox'],
  headless: true,
});
const context = await browser.newContext();
const page = await context.newPage();
const problems: string[] = [];
page.on('pageerror', (err) => problems.push(err.message));
page.on('console', (m) => {
  if (m.type() === 'error') problems.push(m.text());
});
await page.goto(admin);
await page.fill('#token', token);
await page.click('button[type=submit]');
await page.waitForURL(/\/admin\/$/);

// First paint: fresh loads of the logged-in page (the browser's cache is off: no-store).
const paints: number[] = [];
const contentful: number[] = [];
for (let i = 0; i < LOADS; i++) {
  await page.goto(admin, { waitUntil: 'load' });
  // The page's Performance (DOM): its paint entries, as Paint Timing defines them. They may be
  // queued after the load event, so wait for both.
  await page.waitForFunction(
    () =>
      (performance as unknown as { getEntriesByType(t: string): unknown[] }).getEntriesByType('paint')
        .length >= 2,
  );
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

// The soak: scanners from many networks sign up and sweep consecutive numbers (see the top).
const cdp = await context.newCDPSession(page);
async function pageSample(): Promise<{ heap: number; nodes: number; listeners: number }> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  const dom = (await cdp.send('Memory.getDOMCounters')) as { nodes: number; jsEventListeners: number };
  return { heap: usedSize, nodes: dom.nodes, listeners: dom.jsEventListeners };
}
interface Sample {
  t: number;
  heap: number;
  nodes: number;
  listeners: number;
  feed: number;
  rows: number;
  more: string;
  gwRss: number;
  gwHeap: number;
  driverRss: number;
  counts: Record<string, number>;
  requests: number;
  scanners: number;
}
const samples: Sample[] = [];
let requests = 0;
let scanners = 0;
let registered = 0;
let cursor = 0;
const statuses: Record<string, number> = {};
const post = async (path: string, body: unknown, from: string, bearer?: string): Promise<number> => {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-forwarded-for': from,
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
    },
    body: JSON.stringify(body),
  });
  requests++;
  const key = `${path === '/v1/accounts' ? 'register' : 'discover'} ${res.status}`;
  statuses[key] = (statuses[key] ?? 0) + 1;
  if (res.status === 201) {
    registered++;
    bearerOf = ((await res.json()) as { token: string }).token;
  } else await res.arrayBuffer();
  return res.status;
};
let bearerOf: string | undefined;
const started = Date.now();
let stop = false;
/** Paces the driver at RATE requests a second, from the run's start. */
async function paced(): Promise<void> {
  const due = started + (requests / RATE) * 1000;
  const wait = due - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}
const attack = (async () => {
  while (!stop) {
    const k = scanners++;
    const n = Math.floor(k / PER_NETWORK);
    const from = `10.${(n >> 8) & 255}.${n & 255}.${10 + (k % PER_NETWORK)}`;
    await paced();
    bearerOf = undefined;
    // A blocked network refuses the sign-up: the scanner moves on, as a real one would.
    if ((await post('/v1/accounts', { number: `+4478${String(k).padStart(8, '0')}` }, from)) !== 201)
      continue;
    const bearer = bearerOf;
    for (let i = 0; i < SWEEPS && !stop; i++) {
      const numbers = Array.from({ length: BATCH }, (_, j) =>
        formatE164(population.candidateAt((cursor + j) % population.candidateCount)),
      );
      cursor = (cursor + BATCH) % population.candidateCount;
      await paced();
      await post('/v1/contacts/discover', { numbers }, from, bearer);
    }
  }
})();
let last: Record<string, number> = {};
const sample = async (): Promise<void> => {
  const p = await pageSample();
  const g = await gatewaySample();
  const counts = Object.fromEntries(
    Object.entries(g.counts).map(([type, c]) => [type, c - (last[type] ?? 0)]),
  );
  last = g.counts;
  samples.push({
    t: Math.round((Date.now() - started) / 1000),
    ...p,
    feed: await page.locator('#findings li').count(),
    rows: await page.locator('#blocks tbody tr').count(),
    more: (await page.locator('#blocks-more').textContent()) ?? '',
    gwRss: g.rss,
    gwHeap: g.heapUsed,
    driverRss: process.memoryUsage().rss,
    counts,
    requests,
    scanners,
  });
  console.error(JSON.stringify(samples.at(-1)));
};
await sample();
let halfTaken = false;
while (Date.now() - started < SECONDS * 1000) {
  await new Promise((r) => setTimeout(r, started + samples.length * EVERY * 1000 - Date.now()));
  await sample();
  if (!halfTaken && Date.now() - started >= (SECONDS * 1000) / 2) {
    halfTaken = true;
    await heapSnapshot('half.heapsnapshot');
  }
}
await heapSnapshot('end.heapsnapshot');
stop = true;
await attack;
const liveAtEnd = (await page.locator('#live').textContent()) ?? '';
const pageErrors = problems.length;
const final = await gatewaySample();
await browser.close();
child.send('stop');
await new Promise((r) => child.once('exit', r));
await service.close();
rmSync(dir, { recursive: true, force: true });

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const mib = (b: number): string => (b / 1048576).toFixed(1);
const bounds = [
  MAX_KEYS === undefined ? '' : ` --max-keys ${MAX_KEYS}`,
  MAX_RISK === undefined ? '' : ` --max-risk-records ${MAX_RISK}`,
  MAX_ACCOUNTS === undefined ? '' : ` --max-accounts ${MAX_ACCOUNTS}`,
  MAX_SESSIONS === undefined ? '' : ` --max-sessions ${MAX_SESSIONS}`,
].join('');
const command = `npx tsx bench/dashboard.ts --seconds ${SECONDS} --sample-every ${EVERY} --loads ${LOADS} --rate ${RATE} --sweeps ${SWEEPS}${bounds}${values.snapshots === undefined ? '' : ' --snapshots DIR'}`;
const first = samples[0] as Sample;
const lastSample = samples.at(-1) as Sample;
const c = (s: Sample, type: string): number => s.counts[type] ?? 0;
const total = (type: string): number => final.counts[type] ?? 0;
const lines = [
  `## 2026-12-07 — dashboard: first paint and a ${SECONDS >= 60 ? `${SECONDS / 60}-minute` : `${SECONDS}-second`} soak under a many-network attack${bounds === '' ? '' : ', with small state bounds'}`,
  '',
  `Machine: ${cpus().length} CPUs, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, Debian chromium (headless, playwright-core). Other work shared the machine.`,
  '',
  `Reproduce: \`${command}\``,
  '',
  `First paint of /admin/ (logged in, loopback, ${LOADS} fresh loads, ms): first-paint median ${median(paints).toFixed(0)}, max ${Math.max(...paints).toFixed(0)}; first-contentful-paint median ${median(contentful).toFixed(0)}, max ${Math.max(...contentful).toFixed(0)}. Goal under 1,000 ms: ${Math.max(...contentful) < 1000 ? 'met' : 'NOT met'}.`,
  '',
  `Soak: the gateway in its own process (policies/enumguard-default.yaml, trusted proxy 127.0.0.1${bounds === '' ? '' : `; bounds: store maxKeys ${MAX_KEYS ?? 'default'}, maxRiskRecords ${MAX_RISK ?? 'default'}, contacts.maxAccounts ${MAX_ACCOUNTS ?? 'default'}, accounts.maxSessions ${MAX_SESSIONS ?? 'default'}`}) and the page open on the live view for ${SECONDS} s, while the driver sent ${lastSample.requests.toLocaleString('en-US')} requests at about ${RATE}/s: ${scanners.toLocaleString('en-US')} scanners from ${Math.ceil(scanners / PER_NETWORK).toLocaleString('en-US')} /24 networks (${PER_NETWORK} a network, by X-Forwarded-For), ${registered.toLocaleString('en-US')} of them registered, each sweeping ${BATCH} consecutive numbers ${SWEEPS} times. Answers: ${Object.entries(
    statuses,
  )
    .sort()
    .map(([k, v]) => `${k}: ${v.toLocaleString('en-US')}`)
    .join(
      ', ',
    )}. The gateway emitted ${final.events.emitted.toLocaleString('en-US')} events (${final.events.dropped} dropped): ${total('finding').toLocaleString('en-US')} findings, ${total('block-started').toLocaleString('en-US')} blocks started, ${total('refusal').toLocaleString('en-US')} refusals. The page said "${liveAtEnd}" at the end, with ${pageErrors} script errors.`,
  '',
  "Columns: the page's JS heap after a forced GC, its DOM nodes and JS event listeners (CDP Memory.getDOMCounters), the items in its findings feed and blocks table; the gateway process's RSS and heap used after a forced GC; this process's RSS (reference service, load driver, browser driver); findings, blocks started and refusals since the previous sample.",
  '',
  '| t (s) | page heap (MiB) | DOM nodes | listeners | feed items | block rows | gateway RSS (MiB) | gateway heap (MiB) | driver RSS (MiB) | findings | blocks | refusals | requests |',
  '| ----- | --------------- | --------- | --------- | ---------- | ---------- | ----------------- | ------------------ | ---------------- | -------- | ------ | -------- | -------- |',
  ...samples.map(
    (s) =>
      `| ${s.t} | ${mib(s.heap)} | ${s.nodes} | ${s.listeners} | ${s.feed} | ${s.rows} | ${mib(s.gwRss)} | ${mib(s.gwHeap)} | ${mib(s.driverRss)} | ${c(s, 'finding')} | ${c(s, 'block-started')} | ${c(s, 'refusal')} | ${s.requests} |`,
  ),
  '',
  `First sample → last: page heap ${mib(first.heap)} → ${mib(lastSample.heap)} MiB, DOM nodes ${first.nodes} → ${lastSample.nodes}; gateway RSS ${mib(first.gwRss)} → ${mib(lastSample.gwRss)} MiB, heap ${mib(first.gwHeap)} → ${mib(lastSample.gwHeap)} MiB. The blocks table's last note: "${lastSample.more}".`,
  '',
];
console.log(lines.join('\n'));
if (!values['no-record']) appendFileSync(join(root, 'bench/RESULTS.md'), `\n${lines.join('\n')}`);
