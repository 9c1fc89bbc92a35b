import { isIP } from 'node:net';
import * as z from 'zod';
import { field } from './fields.ts';
import type { MetricsConfig } from './types.ts';
import { describeValue, fail, ok, type FieldResult } from './values.ts';

/**
 * `server.metrics`: the Prometheus endpoint. It has its own listener, never the gateway's
 * port, so the public port cannot expose it by accident; absent, there is none. The listener
 * defaults to loopback on 9464 (the port OpenTelemetry's Prometheus exporter uses): a scraper
 * on another host needs an address written on purpose.
 */
export const METRICS_DEFAULTS = { host: '127.0.0.1', port: 9464, path: '/metrics' } as const;

const LISTEN_HINT = 'expected "host:port" like "127.0.0.1:9464" (an IPv6 host in brackets: "[::1]:9464")';
const LISTEN_RE = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/;

/** `host:port` with an IP literal (or "localhost") as host: binding a DNS name could land anywhere. */
export function parseListen(v: unknown): FieldResult<{ host: string; port: number }> {
  const m = typeof v === 'string' ? LISTEN_RE.exec(v) : null;
  if (m === null) return fail(`${LISTEN_HINT}, got ${describeValue(v)}`);
  const host = m[1] ?? m[2] ?? '';
  const bracketed = m[1] !== undefined;
  const valid = bracketed ? isIP(host) === 6 : isIP(host) === 4 || host === 'localhost';
  if (!valid) {
    return fail(
      `expected an IPv4 address, "localhost" or a bracketed IPv6 address as the host, got ${JSON.stringify(host)}`,
    );
  }
  const port = Number(m[3]);
  if (port > 65535) return fail(`expected a port from 0 to 65535 (0 picks a free one), got ${port}`);
  return ok({ host, port });
}

// Visible ASCII only: the path is compared byte for byte with the request's.
const PATH_RE = /^\/[\x21-\x7e]*$/;
export function parseMetricsPath(v: unknown): FieldResult<string> {
  if (typeof v === 'string' && PATH_RE.test(v) && !v.includes('?') && !v.includes('#')) return ok(v);
  return fail(
    `expected a path like "/metrics": "/" then visible characters, no "?" or "#", got ${describeValue(v)}`,
  );
}

export const metricsSchema = z.strictObject({
  listen: field(parseListen).default({ host: METRICS_DEFAULTS.host, port: METRICS_DEFAULTS.port }),
  path: field(parseMetricsPath).default(METRICS_DEFAULTS.path),
});

export type MetricsDocument = z.output<typeof metricsSchema>;

export function buildMetrics(doc: MetricsDocument): MetricsConfig {
  return { host: doc.listen.host, port: doc.listen.port, path: doc.path };
}
