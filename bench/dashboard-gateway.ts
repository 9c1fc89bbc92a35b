/**
 * The gateway of the dashboard soak (bench/dashboard.ts) in a process of its own, so the RSS and
 * heap it reports are the gateway's alone, not the load driver's, the reference service's or the
 * browser driver's. Forked with an IPC channel and `--expose-gc`:
 *
 *   parent → { start: { policyPath, upstream, token } }   child → { ready: { port, admin } }
 *   parent → 'sample'   child → { sample: { rss, heapUsed, events, counts } } (after a full GC)
 *   parent → { snapshot: path }   child → { snapshot: path } once a heap snapshot is written there
 *   parent → 'stop'     child stops the gateway and exits
 *
 * `counts` are this gateway's events by type since it started (findings, blocks, refusals…).
 */
import { writeHeapSnapshot } from 'node:v8';
import { pino } from 'pino';
import { startGateway, type RunningGateway } from '../src/cli/start-gateway.ts';

interface Start {
  readonly policyPath: string;
  readonly upstream: string;
  readonly token: string;
  /** The memory store's bound (what `gateway --max-keys` sets); undefined: its default. */
  readonly maxKeys?: number;
  /** Its risk records' bound (what `gateway --max-risk-records` sets); undefined: its default. */
  readonly maxRiskRecords?: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined || process.send === undefined) {
  throw new Error('run by bench/dashboard.ts: forked with an IPC channel and node --expose-gc');
}
const send = process.send.bind(process);
let running: RunningGateway | undefined;
const counts: Record<string, number> = {};

process.on('message', (m: 'sample' | 'stop' | { start: Start } | { snapshot: string }) => {
  void (async () => {
    if (m === 'sample') {
      // Twice: the first collection may leave weak and finalized objects the second frees.
      gc();
      gc();
      const mem = process.memoryUsage();
      send({
        sample: {
          rss: mem.rss,
          heapUsed: mem.heapUsed,
          events: running?.events.stats(),
          counts: { ...counts },
        },
      });
    } else if (m === 'stop') {
      await running?.stop(1000);
      process.disconnect();
    } else if ('snapshot' in m) {
      send({ snapshot: writeHeapSnapshot(m.snapshot) });
    } else {
      const { policyPath, upstream, token, maxKeys, maxRiskRecords } = m.start;
      running = await startGateway({
        policyPath,
        upstream,
        port: 0,
        host: '127.0.0.1',
        logger: pino({ level: 'silent' }),
        watch: false,
        env: { ENUMGUARD_ADMIN_TOKEN: token },
        ...(maxKeys === undefined ? {} : { maxKeys }),
        ...(maxRiskRecords === undefined ? {} : { maxRiskRecords }),
      });
      running.events.subscribe((e) => {
        counts[e.type] = (counts[e.type] ?? 0) + 1;
      });
      send({ ready: { port: running.address.port, admin: running.admin?.url } });
    }
  })();
});
