/**
 * Gateway throughput and latency: enumguard's gateway with a 4-limit policy against nginx
 * limit_req (four zones, keep-alive upstream) proxying the same upstream, in the same run.
 * Each proxy runs as one process with one worker; wrk drives loopback with 64 connections.
 *
 *   npx tsx bench/gateway.ts [--seconds 10] [--rounds 3]
 */
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_API_KEY, benchPolicy } from './bench-policy.ts';
import { freePort } from './free-port.ts';
import { median, runWrk, startProcess, stopProcess, type WrkResult } from './wrk.ts';

export interface GatewayBench {
  readonly upstreamDirect: WrkResult;
  readonly enumguard: WrkResult;
  readonly nginx: WrkResult;
  readonly ratio: number;
  readonly seconds: number;
  readonly rounds: number;
  readonly connections: number;
}

function nginxConf(dir: string, port: number, upstreamPort: number): string {
  return `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  map $remote_addr $subnet24 { ~^(\\d+\\.\\d+\\.\\d+)\\. $1; default $remote_addr; }
  limit_req_zone $http_x_api_key zone=identity:10m rate=100000r/s;
  limit_req_zone $binary_remote_addr zone=ip:10m rate=100000r/s;
  limit_req_zone $subnet24 zone=subnet:10m rate=100000r/s;
  limit_req_zone $server_name zone=global:1m rate=100000r/s;
  upstream api { server 127.0.0.1:${upstreamPort}; keepalive 128; }
  server {
    listen 127.0.0.1:${port};
    location /v1/lookup {
      limit_req zone=identity burst=100000 nodelay;
      limit_req zone=ip burst=100000 nodelay;
      limit_req zone=subnet burst=100000 nodelay;
      limit_req zone=global burst=100000 nodelay;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_pass http://api;
    }
  }
}
`;
}

export async function run(opts: {
  seconds: number;
  rounds: number;
  connections?: number;
}): Promise<GatewayBench> {
  const connections = opts.connections ?? 64;
  const dir = mkdtempSync(join(tmpdir(), 'enumguard-bench-'));
  for (const d of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, d));
  const [upPort, egPort, ngPort] = [await freePort(), await freePort(), await freePort()];
  writeFileSync(join(dir, 'policy.yaml'), benchPolicy(`http://127.0.0.1:${upPort}`));
  writeFileSync(join(dir, 'nginx.conf'), nginxConf(dir, ngPort, upPort));

  const up = await startProcess(process.execPath, ['bench/servers/upstream.mjs', String(upPort)], upPort);
  const eg = await startProcess(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'gateway',
      '--config',
      join(dir, 'policy.yaml'),
      '--port',
      String(egPort),
      '--log-level',
      'warn',
    ],
    egPort,
  );
  const ng = await startProcess(
    'nginx',
    ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'],
    ngPort,
  );
  const headers = { 'x-api-key': BENCH_API_KEY };
  const url = (port: number) => `http://127.0.0.1:${port}/v1/lookup`;
  try {
    // Warm up both (JIT, pools), then alternate so drift hits both alike.
    await runWrk(url(egPort), { seconds: 3, connections, headers });
    await runWrk(url(ngPort), { seconds: 3, connections, headers });
    const direct: WrkResult[] = [];
    const ours: WrkResult[] = [];
    const theirs: WrkResult[] = [];
    for (let i = 0; i < opts.rounds; i++) {
      ours.push(await runWrk(url(egPort), { seconds: opts.seconds, connections, headers }));
      theirs.push(await runWrk(url(ngPort), { seconds: opts.seconds, connections, headers }));
      direct.push(await runWrk(url(upPort), { seconds: opts.seconds, connections, headers }));
    }
    const pick = (rs: WrkResult[]): WrkResult => {
      const m = median(rs.map((r) => r.requestsPerSec));
      return rs.find((r) => r.requestsPerSec === m) ?? (rs[0] as WrkResult);
    };
    const enumguard = pick(ours);
    const nginx = pick(theirs);
    for (const [name, r] of [
      ['enumguard', enumguard],
      ['nginx', nginx],
    ] as const) {
      if (r.non2xx > 0)
        throw new Error(`${name} answered ${r.non2xx} non-2xx responses: the benchmark is invalid`);
    }
    return {
      upstreamDirect: pick(direct),
      enumguard,
      nginx,
      ratio: enumguard.requestsPerSec / nginx.requestsPerSec,
      seconds: opts.seconds,
      rounds: opts.rounds,
      connections,
    };
  } finally {
    await stopProcess(eg);
    await stopProcess(ng);
    await stopProcess(up);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { seconds: { type: 'string', default: '10' }, rounds: { type: 'string', default: '3' } },
  });
  const r = await run({ seconds: Number(values.seconds), rounds: Number(values.rounds) });
  const row = (name: string, w: WrkResult) =>
    `| ${name} | ${Math.round(w.requestsPerSec).toLocaleString('en-US')} | ${w.p50Ms.toFixed(2)} | ${w.p99Ms.toFixed(2)} |`;
  console.log(
    `| proxy (${r.connections} connections, median of ${r.rounds} × ${r.seconds}s) | req/s | p50 ms | p99 ms |`,
  );
  console.log('|---|---|---|---|');
  console.log(row('enumguard gateway, 4 limits', r.enumguard));
  console.log(row('nginx limit_req, 4 zones', r.nginx));
  console.log(row('upstream direct (no proxy)', r.upstreamDirect));
  console.log(`\nratio enumguard / nginx: ${r.ratio.toFixed(2)}`);
}
