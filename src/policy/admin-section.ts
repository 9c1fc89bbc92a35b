import * as z from 'zod';
import { normalHost } from '../core/host-header.ts';
import { field } from './fields.ts';
import { parseListen } from './metrics-section.ts';
import type { AdminConfig } from './types.ts';
import { describeValue, fail, ok, type FieldResult } from './values.ts';

/**
 * `server.admin`: the admin API and dashboard (issue 14). Its own listener, like metrics,
 * loopback by default; the bearer token is read from the environment variable named here at
 * start (never from the policy file, which is often committed). Absent: no admin listener.
 */
export const ADMIN_DEFAULTS = {
  host: '127.0.0.1',
  port: 9465,
  tokenEnv: 'ENUMGUARD_ADMIN_TOKEN',
  maxStreams: 16,
} as const;

// POSIX portable environment variable names (IEEE Std 1003.1, 8.1).
const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
function parseEnvName(v: unknown): FieldResult<string> {
  if (typeof v === 'string' && ENV_NAME_RE.test(v)) return ok(v);
  return fail(`expected an environment variable name like "ENUMGUARD_ADMIN_TOKEN", got ${describeValue(v)}`);
}

function parseStreams(v: unknown): FieldResult<number> {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 1024) return ok(v);
  return fail(`expected a whole number of live event streams from 1 to 1024, got ${describeValue(v)}`);
}

/** Most extra Host names: a few proxy names, not a list to manage. */
const MAX_HOSTS = 32;
function parseHosts(v: unknown): FieldResult<readonly string[]> {
  if (!Array.isArray(v) || v.length > MAX_HOSTS) {
    return fail(
      `expected a list of at most ${MAX_HOSTS} host names like "admin.example.com" or "admin.example.com:8443", got ${describeValue(v)}`,
    );
  }
  const out: string[] = [];
  for (const h of v as unknown[]) {
    const n = typeof h === 'string' ? normalHost(h) : undefined;
    if (n === undefined) {
      return fail(
        `expected a host name with an optional port like "admin.example.com:8443" (no scheme, no path), got ${describeValue(h)}`,
      );
    }
    out.push(n);
  }
  return ok(out);
}

export const adminSchema = z.strictObject({
  listen: field(parseListen).default({ host: ADMIN_DEFAULTS.host, port: ADMIN_DEFAULTS.port }),
  tokenEnv: field(parseEnvName).default(ADMIN_DEFAULTS.tokenEnv),
  maxStreams: field(parseStreams).default(ADMIN_DEFAULTS.maxStreams),
  hosts: field(parseHosts).default([]),
});

export type AdminDocument = z.output<typeof adminSchema>;

export function buildAdmin(doc: AdminDocument): AdminConfig {
  return {
    host: doc.listen.host,
    port: doc.listen.port,
    tokenEnv: doc.tokenEnv,
    maxStreams: doc.maxStreams,
    hosts: doc.hosts,
  };
}
