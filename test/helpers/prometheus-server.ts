import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from './redis-harness.ts';
import { waitUntil } from './wait-for.ts';

/**
 * A real Prometheus server for tests (Debian's `prometheus` package, the one that ships
 * promtool: findPromtool() installs it): scraping given targets every second, evaluating given
 * rule files every second, on a free loopback port, with its TSDB in a temporary folder. Its
 * HTTP API (https://prometheus.io/docs/prometheus/latest/querying/api/) is how a test asks it
 * what a dashboard or an alert would see.
 */
export const PROMETHEUS_PATH = '/usr/bin/prometheus';

export interface PrometheusServer {
  readonly url: string;
  /** GET /api/v1/<path>; fails on an error status or an answer not "success". */
  api<T>(path: string, params?: Record<string, string>): Promise<T>;
  stop(): Promise<void>;
}

export interface PrometheusOptions {
  /** host:port targets of the scrape job. */
  readonly targets: readonly string[];
  readonly job: string;
  readonly ruleFiles?: readonly string[];
}

/** Starts Prometheus and resolves once it answers ready; undefined when it is not installed. */
export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusServer | undefined> {
  if (!existsSync(PROMETHEUS_PATH)) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'enumguard-prometheus-'));
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    stringify({
      // One second: the shortest a test can wait for two samples of a counter (rate needs two).
      global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
      rule_files: options.ruleFiles ?? [],
      scrape_configs: [{ job_name: options.job, static_configs: [{ targets: options.targets }] }],
    }),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    PROMETHEUS_PATH,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil('Prometheus to answer ready', async () => {
      if (child.exitCode !== null) throw new Error(`prometheus exited ${child.exitCode}: ${stderr}`);
      return (await fetch(`${url}/-/ready`)).ok;
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    async api<T>(path: string, params: Record<string, string> = {}): Promise<T> {
      const res = await fetch(`${url}/api/v1/${path}?${new URLSearchParams(params).toString()}`);
      const body = (await res.json()) as { status: string; data: T; error?: string };
      if (!res.ok || body.status !== 'success') {
        throw new Error(`${path}: ${res.status} ${body.error ?? body.status}`);
      }
      return body.data;
    },
    stop,
  };
}
