import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../src/core/clock.ts';
import { startGateway, type RunningGateway } from '../../src/cli/start-gateway.ts';
import { startReferenceService, type RunningReferenceService } from '../../src/reference/http.ts';
import { createPopulation, type Population } from '../../src/reference/population/population.ts';
import { captureLogger } from './capture-logger.ts';

/** The admin token of the tests' gateways (passed through `env`, never the process's). */
export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export const DEFAULT_POLICY = readFileSync(
  join(import.meta.dirname, '../../policies/enumguard-default.yaml'),
  'utf8',
);

export interface AdminGateway {
  readonly gateway: RunningGateway;
  readonly service: RunningReferenceService;
  readonly population: Population;
  /** The gateway's origin, e.g. http://127.0.0.1:4321. */
  readonly base: string;
  /** The admin listener's origin. */
  readonly admin: string;
  readonly policyPath: string;
  readonly lines: string[];
  /** fetch on the admin listener with the token (`token: null` sends none). */
  call(path: string, init?: RequestInit & { token?: string | null }): Promise<Response>;
  close(): Promise<void>;
}

const population = createPopulation({ seed: 31, accounts: 20_000 });

/**
 * The shipped enumguard-default policy plus `server` lines (default: the admin listener on a free
 * loopback port), in the real gateway in front of the reference service.
 */
export async function startAdminGateway(
  server = 'server:\n  admin: { listen: "127.0.0.1:0" }\n',
  options: {
    readonly service?: RunningReferenceService;
    readonly instance?: string;
    /** The gateway's clock (default the system's): a manual one keeps a test inside one minute. */
    readonly clock?: Clock;
  } = {},
): Promise<AdminGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'eg-admin-'));
  const policyPath = join(dir, 'policy.yaml');
  writeFileSync(policyPath, `${DEFAULT_POLICY}\n${server}`);
  const service = options.service ?? (await startReferenceService({ population, port: 0 }));
  const { logger, lines } = captureLogger();
  const gateway = await startGateway({
    policyPath,
    upstream: service.url,
    port: 0,
    host: '127.0.0.1',
    logger,
    watch: false,
    env: { ENUMGUARD_ADMIN_TOKEN: ADMIN_TOKEN },
    ...(options.instance === undefined ? {} : { instance: options.instance }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  const admin = `http://127.0.0.1:${gateway.admin?.address.port ?? 0}`;
  return {
    gateway,
    service,
    population,
    base: `http://127.0.0.1:${gateway.address.port}`,
    admin,
    policyPath,
    lines,
    call(path, init = {}) {
      const { token = ADMIN_TOKEN, headers, ...rest } = init;
      return fetch(`${admin}${path}`, {
        ...rest,
        headers: {
          ...(token === null ? {} : { authorization: `Bearer ${token}` }),
          ...(headers as Record<string, string>),
        },
      });
    },
    async close() {
      await gateway.stop(1000);
      if (options.service === undefined) await service.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Registers an account through the gateway and answers its bearer token. */
export async function register(g: AdminGateway, n: number): Promise<string> {
  const res = await fetch(`${g.base}/v1/accounts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ number: `+4477009${String(n).padStart(5, '0')}` }),
  });
  if (res.status !== 201) throw new Error(`registration answered ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}
