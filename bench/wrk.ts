import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';

export interface WrkResult {
  readonly requestsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
}

/** Runs wrk (Debian's package) against a loopback URL for a bounded time and parses --latency. */
export function runWrk(
  url: string,
  opts: { seconds: number; connections: number; headers?: Record<string, string> },
): Promise<WrkResult> {
  if (!/^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])[:/]/.test(url)) {
    throw new Error(`benchmarks only target loopback, not ${url}`);
  }
  const args = ['-t1', `-c${opts.connections}`, `-d${opts.seconds}s`, '--latency'];
  for (const [k, v] of Object.entries(opts.headers ?? {})) args.push('-H', `${k}: ${v}`);
  args.push(url);
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', (err) =>
      reject(new Error(`wrk failed to start (apt-get install -y wrk): ${err.message}`)),
    );
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`wrk exited ${code}: ${out}`));
      const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
      const p50 = /50%\s+([\d.]+)(us|ms|s)/.exec(out);
      const p99 = /99%\s+([\d.]+)(us|ms|s)/.exec(out);
      const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(out);
      if (!rps || !p50 || !p99) return reject(new Error(`could not parse wrk output:\n${out}`));
      resolve({
        requestsPerSec: Number(rps[1]),
        p50Ms: toMs(p50[1], p50[2]),
        p99Ms: toMs(p99[1], p99[2]),
        non2xx: non2xx ? Number(non2xx[1]) : 0,
      });
    });
  });
}

function toMs(value: string | undefined, unit: string | undefined): number {
  const n = Number(value);
  return unit === 'us' ? n / 1000 : unit === 's' ? n * 1000 : n;
}

/** Starts a process and waits until it accepts connections on `port`. */
export async function startProcess(cmd: string, args: string[], port: number): Promise<ChildProcess> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${cmd} exited with ${child.exitCode}`);
    if (await accepts(port)) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${cmd} ${args.join(' ')} did not listen on ${port} within 15 s`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
