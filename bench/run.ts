/**
 * Runs every benchmark and appends a dated section to bench/RESULTS.md, one table per
 * benchmark with the command that reproduces it and the goal beside each figure.
 *
 *   npm run bench                       everything (~8 minutes; needs wrk and nginx)
 *   npx tsx bench/run.ts --only decisions,memory --no-write
 *   npx tsx bench/run.ts --only redis          the Redis store (needs Redis on 127.0.0.1:6379)
 *
 * Figures are shown rounded toward the unfavourable side, so a goal is never met on paper
 * only; every "met" is judged on the unrounded measurement.
 */
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { run as runAdapters, type AdapterRow } from './adapters.ts';
import { floorTo, markdown as decisionsMarkdown, run as runDecisions } from './decisions.ts';
import { run as runGateway, type GatewayBench } from './gateway.ts';
import { markdown as memoryMarkdown, type MemoryBench } from './memory.ts';
import { markdown as redisMarkdown, run as runRedis } from './redis.ts';
import type { WrkResult } from './wrk.ts';

const PARTS = ['decisions', 'memory', 'gateway', 'adapters', 'redis'] as const;
type Part = (typeof PARTS)[number];

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = fileURLToPath(new URL('RESULTS.md', import.meta.url));

const DECISIONS = { seconds: 2, rounds: 5 };
const GATEWAY = { seconds: 10, rounds: 3 };
const ADAPTERS = { seconds: 5, rounds: 3 };
const REDIS = { requests: 200_000, routeRequests: 50_000, rounds: 3, redis: '127.0.0.1:6379' };

/** The goals from the issue, judged on unrounded figures. */
const GATEWAY_RATIO_GOAL = 1.0;
const ADAPTER_OVERHEAD_GOAL = 0.05;

const met = (ok: boolean): string => (ok ? 'met' : 'NOT met');
const int = (x: number): string => Math.floor(x).toLocaleString('en-US');
const ceilTo = (x: number, digits: number): string =>
  (Math.ceil(x * 10 ** digits) / 10 ** digits).toFixed(digits);

function machine(): string {
  const nproc = execFileSync('nproc', { encoding: 'utf8' }).trim();
  const model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
  const gib = (totalmem() / 2 ** 30).toFixed(1);
  return `Machine: ${nproc} CPUs (nproc), ${model}, ${gib} GiB RAM, Node ${process.version}, ${process.platform}/${process.arch}.`;
}

function section(title: string, command: string, body: string): string {
  return [`### ${title}`, '', `Reproduce: \`${command}\``, '', body, ''].join('\n');
}

async function decisions(): Promise<string> {
  const r = await runDecisions(DECISIONS);
  return section(
    'In-process decisions',
    `npx tsx bench/decisions.ts --seconds ${DECISIONS.seconds} --rounds ${DECISIONS.rounds}`,
    decisionsMarkdown(r),
  );
}

/** A child process, so --expose-gc applies and the heap holds nothing from other parts. */
function memoryChild(): Promise<MemoryBench> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/memory.ts', '--json'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`bench/memory.ts exited ${code}`));
      const last = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last) as MemoryBench);
      } catch (err) {
        reject(new Error(`bench/memory.ts printed no JSON: ${out}`, { cause: err }));
      }
    });
  });
}

async function memory(): Promise<string> {
  const r = await memoryChild();
  return section(
    'Memory per key and the 10M-key bound',
    'node --expose-gc --import tsx bench/memory.ts',
    memoryMarkdown(r),
  );
}

function gatewayMarkdown(r: GatewayBench): string {
  const row = (name: string, w: WrkResult, ratio: string, goal: string): string =>
    `| ${name} | ${int(w.requestsPerSec)} | ${w.p50Ms.toFixed(2)} | ${w.p99Ms.toFixed(2)} | ${ratio} | ${goal} |`;
  return [
    `wrk, 1 thread, ${r.connections} connections, loopback; median of ${r.rounds} alternating rounds × ${r.seconds} s ` +
      `after a 3 s warm-up; each proxy one process with one worker, same upstream.`,
    '',
    '| proxy | req/s | p50 ms | p99 ms | vs nginx | goal |',
    '|---|---|---|---|---|---|',
    row(
      'enumguard gateway, 4 limits',
      r.enumguard,
      floorTo(r.ratio, 2),
      `≥ ${GATEWAY_RATIO_GOAL.toFixed(1)}: ${met(r.ratio >= GATEWAY_RATIO_GOAL)}`,
    ),
    row('nginx limit_req, 4 zones', r.nginx, '1.00', 'peer'),
    row(
      'upstream direct (no proxy)',
      r.upstreamDirect,
      floorTo(r.upstreamDirect.requestsPerSec / r.nginx.requestsPerSec, 2),
      'ceiling',
    ),
  ].join('\n');
}

async function gateway(): Promise<string> {
  const r = await runGateway(GATEWAY);
  return section(
    'Gateway vs nginx limit_req',
    `npx tsx bench/gateway.ts --seconds ${GATEWAY.seconds} --rounds ${GATEWAY.rounds}`,
    gatewayMarkdown(r),
  );
}

function adaptersMarkdown(rows: readonly AdapterRow[]): string {
  return [
    `wrk, 1 thread, 64 connections, loopback; median of ${ADAPTERS.rounds} alternating rounds × ${ADAPTERS.seconds} s; ` +
      'guarded = the framework plus enumguard with a 4-limit policy that never denies.',
    '',
    '| framework | bare req/s | with enumguard req/s | overhead | goal |',
    '|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.framework} | ${int(r.bare)} | ${int(r.guarded)} | ${ceilTo(r.overhead * 100, 1)}% | ` +
        `≤ ${ADAPTER_OVERHEAD_GOAL * 100}%: ${met(r.overhead <= ADAPTER_OVERHEAD_GOAL)} |`,
    ),
  ].join('\n');
}

async function adapters(): Promise<string> {
  const rows = await runAdapters(ADAPTERS);
  return section(
    'Adapter overhead',
    `npx tsx bench/adapters.ts --seconds ${ADAPTERS.seconds} --rounds ${ADAPTERS.rounds}`,
    adaptersMarkdown(rows),
  );
}

async function redis(): Promise<string> {
  const r = await runRedis(REDIS);
  return section(
    'Redis store vs rate-limiter-flexible RateLimiterRedis',
    `npx tsx bench/redis.ts --requests ${REDIS.requests} --route-requests ${REDIS.routeRequests} --rounds ${REDIS.rounds} --redis ${REDIS.redis}`,
    redisMarkdown(r),
  );
}

const RUNNERS: Record<Part, () => Promise<string>> = { decisions, memory, gateway, adapters, redis };

function parseParts(only: string | undefined): Part[] {
  if (only === undefined) return [...PARTS];
  const names = only.split(',').map((s) => s.trim());
  for (const n of names) {
    if (!(PARTS as readonly string[]).includes(n))
      throw new Error(`--only: unknown part "${n}" (${PARTS.join(', ')})`);
  }
  return PARTS.filter((p) => names.includes(p));
}

const { values } = parseArgs({
  options: { only: { type: 'string' }, 'no-write': { type: 'boolean', default: false } },
});
process.chdir(ROOT);
const parts = parseParts(values.only);
const date = new Date().toISOString().slice(0, 10);
const argv = process.argv.slice(2).join(' ');
const out = [`## ${date} — npm run bench${argv ? ` -- ${argv}` : ''}`, '', machine(), ''];
let failed = false;
for (const part of parts) {
  console.error(`bench: ${part}…`);
  const started = performance.now();
  try {
    out.push(await RUNNERS[part]());
  } catch (err) {
    failed = true;
    console.error(err);
    out.push(`### ${part}`, '', `FAILED: ${err instanceof Error ? err.message : String(err)}`, '');
  }
  console.error(`bench: ${part} took ${((performance.now() - started) / 1000).toFixed(0)} s`);
}
const text = out.join('\n');
console.log(text);
if (!values['no-write']) {
  if (!existsSync(RESULTS)) {
    writeFileSync(
      RESULTS,
      '# Benchmark results\n\nEach section is appended by `npm run bench` (bench/run.ts); older sections are kept as history.\n\n',
    );
  }
  appendFileSync(RESULTS, `${text}\n`);
  // The repository's lint runs prettier --check over Markdown too.
  const prettier = await import('prettier');
  const config = (await prettier.resolveConfig(RESULTS)) ?? {};
  writeFileSync(
    RESULTS,
    await prettier.format(readFileSync(RESULTS, 'utf8'), { ...config, filepath: RESULTS }),
  );
  console.error(`bench: appended to ${RESULTS}`);
}
if (failed) process.exitCode = 1;
