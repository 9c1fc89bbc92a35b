/**
 * Redis for tests: a standalone server and a local 3-node Redis Cluster on loopback
 * (issue 5, deliverable 2).
 *
 * - `redisStandalone()` uses the Redis on 127.0.0.1:6379 when it answers PING within 300 ms
 *   (its stop() then does nothing), else starts `redis-server` on a free port.
 * - `redisCluster()` starts three `redis-server --cluster-enabled yes` nodes and joins them
 *   with `redis-cli --cluster create` (about 3 s, most of it redis-cli waiting for the join).
 * - A missing `redis-server` is installed once with `apt-get install -y redis-server`.
 *
 * Both reject with an Error whose message says what to fix. Tests use them through ONE
 * pattern, `useRedis`, which starts the server in a before() hook and stops it in after(),
 * once per describe (so once per test file):
 *
 *   describe('redis store', () => {
 *     const redis = useRedis(redisCluster);
 *     it('…', async (t) => {
 *       if (redis.skipped(t)) return;
 *       const { nodes } = redis.get();
 *     });
 *   });
 *
 * In CI (CI=true) the hook rethrows, so every test of the describe FAILS with the message:
 * Redis tests never skip in CI. Elsewhere `skipped(t)` skips each test with the reason.
 *
 * A Redis on 6379 may be someone's own: tests must use their own key prefix and never
 * FLUSHALL. The PING and CLUSTER INFO checks use a tiny RESP client over node:net
 * (`redisCommand`), so the harness needs no Redis client package.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, before, type TestContext } from 'node:test';
import { waitUntil } from './wait-for.ts';

export interface RedisNode {
  readonly host: string;
  readonly port: number;
}

export interface RedisStandalone extends RedisNode {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** Stops a server this harness started (and removes its directory); a no-op for 6379. */
  stop(): Promise<void>;
}

export interface RedisCluster {
  /** The three masters, each serving a third of the 16384 slots. */
  readonly nodes: readonly RedisNode[];
  /** The nodes' `requirepass` when started with one (redisCluster({ password })). */
  readonly password?: string | undefined;
  /** Milliseconds from the first spawn to cluster_state:ok on every node. */
  readonly startedInMs: number;
  stop(): Promise<void>;
}

export const HOST = '127.0.0.1';
const DEFAULT_PORT = 6379;
/** How long a server or a cluster may take to come up: a safety net, generous for a loaded machine. */
const START_DEADLINE_MS = 60_000;
const inCI = (): boolean => process.env.CI === 'true';

/** Prefixes a failure with what the reader has to do about it. */
function harnessError(what: string, cause?: unknown): Error {
  const fix =
    'Fix: install Redis 7 (`apt-get install -y redis-server`, which also brings redis-cli) ' +
    `or run one on ${HOST}:${DEFAULT_PORT}.`;
  return new Error(`Redis test harness: ${what}\n${fix}`, cause === undefined ? undefined : { cause });
}

// --- a tiny RESP client ------------------------------------------------------------------

/** The reply to one command: a string (simple or bulk), an integer, or null. Errors reject. */
export function redisCommand(
  port: number,
  args: readonly string[],
  // Generous: a loaded machine may take a while to answer; pollers pass a short one and retry.
  timeoutMs = 10_000,
  host = HOST,
): Promise<string | number | null> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host, port });
    let buffer = Buffer.alloc(0);
    const done = (err: Error | undefined, value?: string | number | null): void => {
      clearTimeout(timer);
      socket.destroy();
      if (err !== undefined) reject(err);
      else resolve(value ?? null);
    };
    const timer = setTimeout(
      () => done(new Error(`${host}:${port} did not answer ${args[0]} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.on('error', (err) => done(err));
    socket.on('connect', () => {
      const parts = args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`);
      socket.write(`*${args.length}\r\n${parts.join('')}`);
    });
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const eol = buffer.indexOf('\r\n');
      if (eol < 0) return;
      const head = buffer.subarray(1, eol).toString();
      switch (String.fromCharCode(buffer[0] as number)) {
        case '+':
          return done(undefined, head);
        case '-':
          return done(new Error(`${host}:${port} ${args[0]}: ${head}`));
        case ':':
          return done(undefined, Number(head));
        case '$': {
          const length = Number(head);
          if (length < 0) return done(undefined, null);
          if (buffer.length < eol + 2 + length) return; // wait for the rest
          return done(undefined, buffer.subarray(eol + 2, eol + 2 + length).toString());
        }
        default:
          return done(new Error(`${host}:${port} ${args[0]}: unsupported reply ${head.slice(0, 40)}`));
      }
    });
  });
}

/** `CLUSTER INFO` as a record of its fields (cluster_state, cluster_slots_assigned, …). */
export async function clusterInfo(port: number, host = HOST): Promise<Record<string, string>> {
  return parseInfo(String(await redisCommand(port, ['CLUSTER', 'INFO'], undefined, host)));
}

function parseInfo(text: string): Record<string, string> {
  const info: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) info[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return info;
}

async function answersPing(port: number, timeoutMs: number): Promise<boolean> {
  try {
    return (await redisCommand(port, ['PING'], timeoutMs)) === 'PONG';
  } catch {
    return false;
  }
}

// --- ports -------------------------------------------------------------------------------

/** Binds `port` (0: any) on loopback and closes it: the port it got, or undefined if taken. */
function probePort(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(undefined));
    server.listen({ host: HOST, port, exclusive: true }, () => {
      const address = server.address();
      const got = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close(() => resolve(got));
    });
  });
}

/**
 * A free loopback port. With `bus`, port + 10000 (Redis Cluster's bus port) is free too and
 * at most 65535. Free now, not reserved: a server that loses the race is retried on another.
 */
export async function freePort(bus = false): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await probePort(0);
    if (port === undefined) continue;
    if (!bus) return port;
    if (port + 10000 <= 65535 && (await probePort(port + 10000)) !== undefined) return port;
  }
  throw harnessError('found no free loopback port (with port + 10000 free for the cluster bus).');
}

// --- redis-server --------------------------------------------------------------------------

function onPath(command: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

function run(file: string, args: readonly string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const output = `${stdout}${stderr}`.trim();
      if (err !== null) reject(Object.assign(new Error(err.message, { cause: err }), { output }));
      else resolve(output);
    });
  });
}

const tail = (text: string, lines = 15): string => text.trim().split('\n').slice(-lines).join('\n');
const outputOf = (err: unknown): string =>
  tail((err as { output?: string }).output || (err as Error).message);

let installing: Promise<void> | undefined;

/** Makes sure redis-server and redis-cli are on PATH, installing them once if they are not. */
export function ensureRedisInstalled(): Promise<void> {
  installing ??= (async () => {
    if (onPath('redis-server') && onPath('redis-cli')) return;
    const install = ['-o', 'DPkg::Lock::Timeout=120', 'install', '-y', 'redis-server'];
    try {
      await run('apt-get', install, 300_000);
    } catch {
      // A fresh image often has no package lists yet.
      try {
        await run('apt-get', ['-o', 'DPkg::Lock::Timeout=120', 'update'], 300_000);
        await run('apt-get', install, 300_000);
      } catch (err) {
        throw harnessError(
          `redis-server is not on PATH and \`apt-get install -y redis-server\` failed:\n${outputOf(err)}`,
          err,
        );
      }
    }
    if (!onPath('redis-server') || !onPath('redis-cli'))
      throw harnessError('apt-get installed redis-server, yet redis-server or redis-cli is not on PATH.');
  })();
  return installing;
}

interface Spawned {
  readonly port: number;
  readonly child: ChildProcess;
  readonly log: string;
}

const children = new Set<ChildProcess>();
process.once('exit', () => {
  // A test that forgot stop(), or a crash: leave no server behind.
  for (const child of children) child.kill('SIGKILL');
});

function readLog(path: string): string {
  try {
    return tail(readFileSync(path, 'utf8'));
  } catch {
    return '(no log)';
  }
}

/** Starts one redis-server in `dir` on a free port and waits for its PONG (retries a lost port race). */
async function spawnServer(
  dir: string,
  cluster: boolean,
  extra: (port: number) => Record<string, string> = () => ({}),
  fixedPort?: number,
  alive: (port: number) => Promise<boolean> = (port) => answersPing(port, 200),
): Promise<Spawned> {
  let last = '';
  for (let attempt = 0; attempt < (fixedPort === undefined ? 5 : 1); attempt++) {
    const port = fixedPort ?? (await freePort(cluster));
    const log = join(dir, `redis-${port}.log`);
    const config: Record<string, string> = {
      port: String(port),
      bind: HOST,
      save: '',
      appendonly: 'no',
      dir,
      logfile: log,
      ...extra(port),
    };
    const args = Object.entries(config).flatMap(([name, value]) => [`--${name}`, value]);
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    child.unref();
    children.add(child);
    let exited = false;
    child.once('exit', () => {
      exited = true;
      children.delete(child);
    });
    child.once('error', () => (exited = true));
    const outcome = await waitUntil(
      `redis-server on port ${port} to answer PING`,
      async () => (exited ? 'exited' : (await alive(port)) ? 'up' : undefined),
      { deadlineMs: START_DEADLINE_MS },
    ).catch(() => 'silent' as const);
    if (outcome === 'up') return { port, child, log };
    child.kill('SIGKILL');
    last = `redis-server on port ${port} ${outcome === 'exited' ? 'exited' : `did not answer PING within ${START_DEADLINE_MS / 1000} s`}:\n${readLog(log)}`;
  }
  throw harnessError(`could not start redis-server. Last attempt: ${last}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 2000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'enumguard-redis-'));
}

/**
 * A standalone Redis: 127.0.0.1:6379 if it answers PING within 300 ms (unless `useDefault`
 * is false), else a fresh redis-server on a free port.
 */
export async function redisStandalone(options: { useDefault?: boolean } = {}): Promise<RedisStandalone> {
  if (options.useDefault !== false && (await answersPing(DEFAULT_PORT, 300))) {
    return { host: HOST, port: DEFAULT_PORT, url: `redis://${HOST}:${DEFAULT_PORT}`, stop: async () => {} };
  }
  await ensureRedisInstalled();
  const dir = tempDir();
  try {
    const { port, child } = await spawnServer(dir, false);
    return {
      host: HOST,
      port,
      url: `redis://${HOST}:${port}`,
      stop: async () => {
        await stopChild(child);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

export interface RestartableRedis extends RedisStandalone {
  /** SIGKILLs the server, what a crash looks like (no shutdown, no save), and waits for its exit. */
  kill(): Promise<void>;
  /** Starts redis-server again on the same port (empty: it saves nothing) and waits for its PONG. */
  restart(): Promise<void>;
}

/** A redis-server of the test's own on a free port (never 6379), to kill and restart: fault tests. */
export async function redisRestartable(): Promise<RestartableRedis> {
  await ensureRedisInstalled();
  const dir = tempDir();
  let server: Spawned;
  try {
    server = await spawnServer(dir, false);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const { port } = server;
  return {
    host: HOST,
    port,
    url: `redis://${HOST}:${port}`,
    async kill() {
      const { child } = server;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
    async restart() {
      server = await spawnServer(dir, false, () => ({}), port);
    },
    async stop() {
      await stopChild(server.child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `redis-cli` authenticated as the default user: the tiny RESP client sends no AUTH. */
function cliWithPassword(port: number, password: string, args: readonly string[]): Promise<string> {
  return run(
    'redis-cli',
    ['-h', HOST, '-p', String(port), '--no-auth-warning', '-a', password, ...args],
    2000,
  );
}

/**
 * Three masters on loopback, joined by `redis-cli --cluster create`, all slots assigned. With
 * `password`, every node has `requirepass` (and `masterauth`) set to it: clients must AUTH.
 */
export async function redisCluster(options: { password?: string } = {}): Promise<RedisCluster> {
  const { password } = options;
  await ensureRedisInstalled();
  const started = Date.now();
  const dir = tempDir();
  const servers: Spawned[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(servers.map((s) => stopChild(s.child)));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // One at a time: three concurrent free-port probes could pick the same port.
    for (let i = 0; i < 3; i++) {
      servers.push(
        await spawnServer(
          dir,
          true,
          (port) => ({
            'cluster-enabled': 'yes',
            'cluster-config-file': join(dir, `nodes-${port}.conf`),
            'cluster-node-timeout': '2000',
            ...(password === undefined ? {} : { requirepass: password, masterauth: password }),
          }),
          undefined,
          password === undefined
            ? undefined
            : async (port) => (await cliWithPassword(port, password, ['PING']).catch(() => '')) === 'PONG',
        ),
      );
    }
    const addresses = servers.map((s) => `${HOST}:${s.port}`);
    try {
      await run(
        'redis-cli',
        [
          ...(password === undefined ? [] : ['--no-auth-warning', '-a', password]),
          ...['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'],
        ],
        30_000,
      );
    } catch (err) {
      throw harnessError(
        `\`redis-cli --cluster create ${addresses.join(' ')}\` failed:\n${outputOf(err)}`,
        err,
      );
    }
    for (const { port, log } of servers) {
      let info: Record<string, string> = {};
      const read = (): Promise<Record<string, string>> =>
        password === undefined
          ? clusterInfo(port)
          : cliWithPassword(port, password, ['CLUSTER', 'INFO']).then(parseInfo);
      try {
        await waitUntil(
          `node ${HOST}:${port} to reach cluster_state:ok`,
          async () => (info = await read()).cluster_state === 'ok',
          { deadlineMs: START_DEADLINE_MS },
        );
      } catch (err) {
        throw harnessError(
          `node ${HOST}:${port} did not reach cluster_state:ok within ${START_DEADLINE_MS / 1000} s ` +
            `(state ${info.cluster_state ?? 'unknown'}):\n${readLog(log)}`,
          err,
        );
      }
    }
    return {
      nodes: servers.map((s) => ({ host: HOST, port: s.port })),
      password,
      startedInMs: Date.now() - started,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

// --- the one pattern tests use -----------------------------------------------------------

export interface RedisFixture<T> {
  /** The started Redis. Inside a test only (the before() hook has run). */
  get(): T;
  /**
   * Outside CI, when Redis could not be had: skips `t` with the reason and returns true.
   * In CI it is always false: the before() hook failed the tests instead.
   */
  skipped(t: TestContext): boolean;
}

/**
 * Starts `start()` (redisStandalone or redisCluster) in a before() hook of the enclosing
 * describe and stops it in after(). In CI a failure fails every test of the describe;
 * elsewhere it becomes the reason `skipped(t)` gives.
 */
export function useRedis<T extends { stop(): Promise<void> }>(start: () => Promise<T>): RedisFixture<T> {
  let value: T | undefined;
  let reason: string | undefined;
  before(
    async () => {
      try {
        value = await start();
      } catch (err) {
        if (inCI()) throw err;
        reason = `no Redis (set CI=true to make this a failure): ${(err as Error).message}`;
      }
    },
    { timeout: 600_000 },
  );
  after(async () => {
    await value?.stop();
  });
  return {
    get() {
      if (value === undefined) throw new Error(reason ?? 'useRedis: get() called outside a test');
      return value;
    },
    skipped(t) {
      if (value !== undefined) return false;
      t.skip(reason ?? 'no Redis');
      return true;
    },
  };
}
