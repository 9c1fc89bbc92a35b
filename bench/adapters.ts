/**
 * Adapter overhead: each framework bare against the same app with enumguard's adapter and
 * a 4-limit policy, one process each, wrk on loopback, alternating, median of rounds.
 *
 *   npx tsx bench/adapters.ts [--seconds 5] [--rounds 3]
 */
import { parseArgs } from 'node:util';
import { freePort } from './free-port.ts';
import { median, runWrk, startProcess, stopProcess } from './wrk.ts';

export interface AdapterRow {
  readonly framework: string;
  readonly bare: number;
  readonly guarded: number;
  /** Throughput lost to the adapter, as a fraction of bare. */
  readonly overhead: number;
}

export const FRAMEWORKS = ['node', 'express', 'fastify', 'hono'] as const;

export async function run(opts: { seconds: number; rounds: number }): Promise<AdapterRow[]> {
  const rows: AdapterRow[] = [];
  for (const framework of FRAMEWORKS) {
    const results: Record<'bare' | 'guarded', number[]> = { bare: [], guarded: [] };
    const ports = { bare: await freePort(), guarded: await freePort() };
    const procs = {
      bare: await startProcess(
        process.execPath,
        ['--import', 'tsx', 'bench/servers/adapter-server.ts', framework, 'bare', String(ports.bare)],
        ports.bare,
      ),
      guarded: await startProcess(
        process.execPath,
        ['--import', 'tsx', 'bench/servers/adapter-server.ts', framework, 'guarded', String(ports.guarded)],
        ports.guarded,
      ),
    };
    try {
      const headers = { 'x-api-key': 'bench-key' };
      for (const mode of ['bare', 'guarded'] as const) {
        await runWrk(`http://127.0.0.1:${ports[mode]}/v1/lookup`, { seconds: 2, connections: 64, headers });
      }
      for (let i = 0; i < opts.rounds; i++) {
        for (const mode of ['bare', 'guarded'] as const) {
          const r = await runWrk(`http://127.0.0.1:${ports[mode]}/v1/lookup`, {
            seconds: opts.seconds,
            connections: 64,
            headers,
          });
          if (r.non2xx > 0) throw new Error(`${framework} ${mode} answered ${r.non2xx} non-2xx responses`);
          results[mode].push(r.requestsPerSec);
        }
      }
    } finally {
      await stopProcess(procs.bare);
      await stopProcess(procs.guarded);
    }
    const bare = median(results.bare);
    const guarded = median(results.guarded);
    rows.push({ framework, bare, guarded, overhead: 1 - guarded / bare });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { seconds: { type: 'string', default: '5' }, rounds: { type: 'string', default: '3' } },
  });
  const rows = await run({ seconds: Number(values.seconds), rounds: Number(values.rounds) });
  console.log('| framework | bare req/s | with enumguard req/s | overhead |');
  console.log('|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.framework} | ${Math.round(r.bare).toLocaleString('en-US')} | ${Math.round(r.guarded).toLocaleString('en-US')} | ${(r.overhead * 100).toFixed(1)}% |`,
    );
  }
}
