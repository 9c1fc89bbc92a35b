import { isIP } from 'node:net';
import type { Logger } from 'pino';
import { startMetricsServer } from '../admin/metrics-server.ts';
import type { GatewayMetrics } from '../metrics/gateway-metrics.ts';
import type { MetricsConfig } from '../policy/types.ts';
import type { AddressInfo } from 'node:net';

export interface MetricsEndpoint {
  readonly address: AddressInfo;
  /** `http://host:port/path`, the port the one bound (port 0 picks one). */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves the gateway's metrics on `server.metrics`' own listener. An address other than
 * loopback is allowed (a Prometheus on another host needs it) but warned about at start: route
 * names and traffic figures are then readable by whoever reaches that address.
 */
export async function openMetricsEndpoint(
  config: MetricsConfig,
  metrics: GatewayMetrics,
  logger: Logger,
): Promise<MetricsEndpoint> {
  const server = await startMetricsServer({ ...config, render: () => metrics.render(), logger });
  const { address } = server;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}${config.path}`;
  if (!isLoopback(config.host)) {
    logger.warn(
      { metrics: url },
      'metrics are served on a non-loopback address: whoever reaches it reads route names and traffic figures; bind 127.0.0.1 or firewall it',
    );
  }
  return { address, url, close: () => server.close() };
}

function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}
